// A mistake on the command line: reported in one line, exit status 2.
package dev.lanechat.client.cli;

final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
