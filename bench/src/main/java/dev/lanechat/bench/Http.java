package dev.lanechat.bench;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.BufferingResponseListener;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The generator's HTTP client: Jetty 12's, over HTTP/1.1 keep-alive connections, one selector and
 * a few pooled threads; a response completes its future on the thread that read it.
 *
 * <p>Why not {@code java.net.http}: on this 2-core machine the common pool has parallelism 1, so
 * {@code HttpClient.sendAsync} completed every response on a NEW thread (CompletableFuture's
 * thread-per-task fallback): one thread created per task, plus its own executor's hand-offs. The
 * profile of scenario 4 put thread creation, futex waits and the JIT of that machinery on top of
 * the generator's CPU, which capped the peers' tasks/s at the generator's.
 */
final class Http implements AutoCloseable {
    /** A whole response: status, body, and Retry-After in seconds (-1 when absent). */
    record Response(int status, String body, long retryAfterSeconds) {}

    private final HttpClient client;

    Http(String name, int maxThreads) {
        QueuedThreadPool pool = new QueuedThreadPool(maxThreads, 2);
        pool.setName(name);
        pool.setDaemon(true);
        client = new HttpClient();
        client.setExecutor(pool);
        client.setConnectTimeout(30_000);
        // The client closes an idle connection before the servers do (Jetty's default 30 s, Node's
        // keepAliveTimeout 60 s), so a request never races a server-side close of its connection.
        client.setIdleTimeout(20_000);
        client.setMaxConnectionsPerDestination(512);
        client.setMaxRequestsQueuedPerDestination(1_000_000);
        client.setFollowRedirects(false);
        client.setUserAgentField(null);
        try {
            client.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the HTTP client", e);
        }
    }

    CompletableFuture<Response> get(String uri, String authorization) {
        return send(client.newRequest(uri).method("GET"), authorization);
    }

    /** A POST of {@code json} (an empty body when null: Content-Length 0). */
    CompletableFuture<Response> post(String uri, String authorization, String json) {
        Request r = client.newRequest(uri)
                .method("POST")
                .body(new StringRequestContent("application/json", json == null ? "" : json));
        return send(r, authorization);
    }

    private static CompletableFuture<Response> send(Request r, String authorization) {
        if (authorization != null) {
            r.headers(h -> h.put(HttpHeader.AUTHORIZATION, authorization));
        }
        CompletableFuture<Response> f = new CompletableFuture<>();
        r.timeout(120, TimeUnit.SECONDS).send(new BufferingResponseListener(16 << 20) {
            @Override
            public void onComplete(Result result) {
                if (result.isFailed()) {
                    f.completeExceptionally(result.getFailure());
                    return;
                }
                var response = result.getResponse();
                f.complete(new Response(
                        response.getStatus(),
                        getContentAsString(StandardCharsets.UTF_8),
                        response.getHeaders().getLongField(HttpHeader.RETRY_AFTER)));
            }
        });
        return f;
    }

    @Override
    public void close() {
        try {
            client.stop();
        } catch (Exception e) {
            // best effort: daemon threads
        }
    }
}
