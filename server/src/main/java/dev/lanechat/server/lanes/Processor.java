package dev.lanechat.server.lanes;

/**
 * What turns a message into an answer inside the server (the demo; later OpenAI-compatible
 * models). Called on a lane's thread; may block. Throws {@link ProcessingFailed} for a failure that
 * a retry will not mend, any other exception for one that it may.
 */
public interface Processor {
    ProcessorResult process(ProcessorInput input, ProcessorContext context) throws Exception;
}
