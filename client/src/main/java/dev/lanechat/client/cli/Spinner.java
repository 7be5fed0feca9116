// A progress spinner on stderr while an answer is awaited; only ever started on a terminal.
package dev.lanechat.client.cli;

import java.io.PrintStream;

final class Spinner implements AutoCloseable {
    private static final String FRAMES = "|/-\\";
    private final Thread thread;
    private final PrintStream err;
    private volatile boolean running = true;

    /** Starts spinning when {@code enabled}; otherwise it does nothing, so pipes stay clean. */
    Spinner(boolean enabled, PrintStream err, String label) {
        this.err = err;
        if (!enabled) {
            running = false;
            thread = null;
            return;
        }
        thread = new Thread(
                () -> {
                    int i = 0;
                    while (running) {
                        err.print("\r" + FRAMES.charAt(i++ % FRAMES.length()) + " " + label);
                        err.flush();
                        try {
                            Thread.sleep(120);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                },
                "lanechat-spinner");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public synchronized void close() {
        if (thread == null || !running) {
            return;
        }
        running = false;
        thread.interrupt();
        try {
            thread.join(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        err.print("\r\033[K"); // erase the spinner line
        err.flush();
    }
}
