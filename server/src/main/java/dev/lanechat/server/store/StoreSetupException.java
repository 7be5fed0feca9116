package dev.lanechat.server.store;

/**
 * A {@code --db} URL or data dir this process cannot use (a bad URL, a folder it cannot create,
 * another server holding the data dir). Like a bad flag, its message is shown to the person as is
 * and the command exits 2; it is the store's own type so that the store needs nothing of config.
 */
public final class StoreSetupException extends RuntimeException {
    public StoreSetupException(String message) {
        super(message);
    }
}
