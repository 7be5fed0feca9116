package dev.lanechat.server.lanes;

/**
 * What turns a message into an answer inside the server: the offline demo ({@link DemoProcessor})
 * or an OpenAI-compatible endpoint ({@link OpenAiProcessor}). A lane served by external workers has
 * none. Called on a lane's thread; may block. Throws {@link ProcessingFailed} for a failure that a
 * retry will not mend, any other exception for one that it may.
 */
public interface Processor {
    ProcessorResult process(ProcessorInput input, ProcessorContext context) throws Exception;

    /**
     * Whether it reads {@link ProcessorInput#history()}. One that does not (the demo) is given the
     * message alone, so its task costs no read of the conversation (issue 15: that read was 4 % of
     * the server's CPU per task in a conversation of ten messages, and grows with the conversation).
     * One that does fits what it is given to its lane's {@link ContextWindow}.
     */
    default boolean usesHistory() {
        return true;
    }

    /** Whether it takes images attached to the message (protocol.md E14); a send with images to a lane that does not is refused. */
    default boolean acceptsImages() {
        return false;
    }
}
