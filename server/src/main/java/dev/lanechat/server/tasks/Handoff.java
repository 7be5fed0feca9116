package dev.lanechat.server.tasks;

/**
 * An in-server lane's idle loops, to which a submit hands its task in memory after the commit
 * (issue 15): the task is stored already running under its lease (on single-process SQLite one
 * that only this process's start-up sweep ends, so nothing renews it), so there is no claim
 * transaction. The completion's guard (the lease and {@code status = 'running'}) still makes a
 * cancel and the completion exclusive.
 */
interface Handoff {
    /** Takes one idle loop for a task about to be committed; false when none is idle. */
    boolean reserve();

    /** Gives back a reservation whose task was not committed (or was a repeat). */
    void unreserve();

    /**
     * The committed task, for the loop reserved for it (or the next one free), with the content
     * of the user's message (a lane without history then reads nothing).
     */
    void hand(Claim claim, String content);
}
