package dev.lanechat.server.api;

import dev.lanechat.server.Rejection;
import dev.lanechat.server.auth.Authenticator;
import dev.lanechat.server.auth.Worker;
import io.javalin.http.Context;

/** Resolves the worker calling a worker route once (a before-handler) and hands it to the handlers. */
final class CurrentWorker {
    private static final String KEY = "lanechat.worker";

    private CurrentWorker() {}

    /**
     * In token mode only a worker token may call the worker API (a user's token may not). The
     * worker, with the lanes it may serve, is kept on the request for the handlers.
     */
    static void resolve(Context ctx, Authenticator authenticator) {
        Worker worker = authenticator
                .authenticateWorker(CurrentUser.bearer(ctx))
                .orElseThrow(() -> new Rejection(
                        Rejection.Reason.UNAUTHENTICATED,
                        "The worker API needs a worker token:"
                                + " Authorization: Bearer <token> from 'lanechat users add NAME --worker'."));
        ctx.attribute(KEY, worker);
    }

    /** The worker {@link #resolve} let in. */
    static Worker get(Context ctx) {
        Worker worker = ctx.attribute(KEY);
        if (worker == null) {
            throw new IllegalStateException("a worker route ran without CurrentWorker.resolve");
        }
        return worker;
    }
}
