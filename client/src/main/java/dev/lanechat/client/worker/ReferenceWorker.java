// The reference worker: `lanechat worker --lane NAME` serves a `processor: worker` lane over the
// worker API. It long-polls for a task, heartbeats every third of the lease while it "thinks",
// answers with the message upper-cased (or reversed), and completes; a lost lease (409: the task
// was cancelled or expired) drops the task at once. A template for real workers.
package dev.lanechat.client.worker;

import dev.lanechat.client.LanechatApiException;
import dev.lanechat.client.LanechatConnectionException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

/** {@code lanechat worker --lane NAME [--url URL] [--token T] [...]}; see {@link #USAGE}. */
public final class ReferenceWorker {
    static final String USAGE = """
      Usage: lanechat worker --lane NAME [options]

      Serves a lane of processor: worker over the worker API: claims its tasks (long-poll),
      heartbeats while working, and answers each message UPPER-CASED (or reversed with
      --mode reverse). A message that mentions "file" also gets the answer as answer.txt.

      Options:
        --lane NAME      the lane to serve (required)
        --url URL        the server (default $LANECHAT_URL, else http://127.0.0.1:8080)
        --token TOK      a worker token from 'lanechat users add NAME --worker'
                         (default $LANECHAT_WORKER_TOKEN; not needed in open mode)
        --mode M         upper (default) or reverse
        --delay-ms N     pretend to think N ms per task, heartbeating meanwhile (default 0)
        --cost-usd X     report this cost per answer (default 0)
        --concurrency N  tasks worked on at once (default 1)
        --max-tasks N    exit after N tasks (default: run until stopped)

      Exit status: 0 stopped, 2 usage error, or the server refused the lane or the token.
      """;

    private static final Pattern FILE_WORD = Pattern.compile("\\bfiles?\\b", Pattern.CASE_INSENSITIVE);
    private static final String MODEL = "reference-worker";
    private static final int WAIT_S = 30;

    private final WorkerApi api;
    private final String lane;
    private final boolean reverse;
    private final long delayMs;
    private final double costUsd;
    private final PrintStream out;
    private final ScheduledExecutorService heartbeats = Executors.newScheduledThreadPool(1, r -> {
        Thread t = new Thread(r, "heartbeat");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicInteger tasksLeft;

    ReferenceWorker(
            WorkerApi api, String lane, boolean reverse, long delayMs, double costUsd, int maxTasks, PrintStream out) {
        this.api = api;
        this.lane = lane;
        this.reverse = reverse;
        this.delayMs = delayMs;
        this.costUsd = costUsd;
        this.tasksLeft = new java.util.concurrent.atomic.AtomicInteger(maxTasks);
        this.out = out;
    }

    /** Runs the command line (the words after {@code worker}); returns the exit status. */
    public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        Map<String, String> options = new java.util.HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                out.print(USAGE);
                return 0;
            }
            if (!a.startsWith("--") || i + 1 >= args.length) {
                err.println("lanechat worker: unexpected '" + a + "' (try --help)");
                return 2;
            }
            options.put(a.substring(2), args[++i]);
        }
        String lane = options.remove("lane");
        String url = firstNonBlank(options.remove("url"), env.get("LANECHAT_URL"), "http://127.0.0.1:8080");
        String token = firstNonBlank(options.remove("token"), env.get("LANECHAT_WORKER_TOKEN"), null);
        String mode = firstNonBlank(options.remove("mode"), "upper");
        try {
            long delayMs = Long.parseLong(firstNonBlank(options.remove("delay-ms"), "0"));
            double cost = Double.parseDouble(firstNonBlank(options.remove("cost-usd"), "0"));
            int concurrency = Integer.parseInt(firstNonBlank(options.remove("concurrency"), "1"));
            int maxTasks = Integer.parseInt(firstNonBlank(options.remove("max-tasks"), "-1"));
            if (lane == null || lane.isBlank()) {
                err.println("lanechat worker: --lane NAME is required (try --help)");
                return 2;
            }
            if (!options.isEmpty()) {
                err.println("lanechat worker: unknown option --"
                        + options.keySet().iterator().next() + " (try --help)");
                return 2;
            }
            if (!mode.equals("upper") && !mode.equals("reverse")) {
                err.println("lanechat worker: --mode must be upper or reverse");
                return 2;
            }
            if (delayMs < 0 || cost < 0 || concurrency < 1) {
                err.println("lanechat worker: --delay-ms and --cost-usd must be >= 0, --concurrency >= 1");
                return 2;
            }
            URI base = URI.create(url.endsWith("/") ? url : url + "/");
            ReferenceWorker worker = new ReferenceWorker(
                    new WorkerApi(base, token), lane, mode.equals("reverse"), delayMs, cost, maxTasks, out);
            return worker.serve(concurrency, err);
        } catch (NumberFormatException e) {
            err.println("lanechat worker: --delay-ms, --cost-usd, --concurrency and --max-tasks take numbers");
            return 2;
        } catch (IllegalArgumentException e) {
            err.println("lanechat worker: bad --url: " + e.getMessage());
            return 2;
        }
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v.trim();
            }
        }
        return null;
    }

    /** Serves until stopped (or a fatal refusal); {@code concurrency} loops. */
    int serve(int concurrency, PrintStream err) {
        say("serving lane '" + lane + "' of " + api.base() + " (" + (reverse ? "reverse" : "upper") + ")");
        List<Thread> loops = new ArrayList<>();
        int[] status = {0};
        for (int i = 0; i < concurrency; i++) {
            Thread t = new Thread(
                    () -> {
                        try {
                            loop();
                        } catch (LanechatApiException e) {
                            synchronized (status) {
                                if (status[0] == 0) {
                                    err.println("lanechat worker: " + e.getMessage() + " (HTTP " + e.status() + ")");
                                }
                                status[0] = 2;
                            }
                            stopping.set(true);
                        }
                    },
                    "worker-" + i);
            loops.add(t);
            t.start();
        }
        for (Thread t : loops) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        heartbeats.shutdownNow();
        return status[0];
    }

    /** Claims and works until stopped; a refusal other than "try again later" ends it (thrown). */
    private void loop() {
        long backoffMs = 1000;
        while (!stopping.get()) {
            if (tasksLeft.get() == 0) {
                stopping.set(true);
                return;
            }
            try {
                var claimed = api.claim(lane, WAIT_S);
                backoffMs = 1000;
                if (claimed.isPresent()) {
                    work(claimed.get());
                    if (tasksLeft.get() > 0) {
                        tasksLeft.decrementAndGet();
                    }
                }
            } catch (LanechatConnectionException e) {
                say("cannot reach Lanechat at " + api.base() + ": " + e.getMessage() + "; retrying in "
                        + backoffMs / 1000 + " s");
                sleep(backoffMs);
                backoffMs = Math.min(30_000, backoffMs * 2);
            } catch (LanechatApiException e) {
                if (e.status() != 503 && e.status() != 429) {
                    throw e;
                }
                // The server asks us to come back (its store is away, or we are too fast): when it says.
                long waitMs = e.retryAfter().map(Duration::toMillis).orElse(backoffMs);
                say("the server is busy (HTTP " + e.status() + ": " + e.getMessage() + "); retrying in " + waitMs
                        + " ms");
                sleep(waitMs);
                backoffMs = Math.min(30_000, backoffMs * 2);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void work(WorkerApi.Claimed task) throws InterruptedException {
        say("task " + task.taskId() + ": claimed (" + task.history().size() + " earlier messages)");
        AtomicBoolean lost = new AtomicBoolean();
        long leaseMs = Math.max(
                300, Duration.between(Instant.now(), task.leaseExpiresAt()).toMillis());
        long everyMs = Math.max(100, leaseMs / 3);
        ScheduledFuture<?> beat = heartbeats.scheduleAtFixedRate(
                () -> {
                    if (lost.get()) {
                        return;
                    }
                    try {
                        api.heartbeat(task);
                    } catch (WorkerApi.LeaseLost e) {
                        lost.set(true);
                        say("task " + task.taskId() + ": lease lost on heartbeat (409: " + e.getMessage()
                                + "); dropped");
                    } catch (RuntimeException e) {
                        say("task " + task.taskId() + ": heartbeat failed (" + e.getMessage() + "); trying again");
                    }
                },
                everyMs,
                everyMs,
                TimeUnit.MILLISECONDS);
        try {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMs);
            while (!lost.get() && System.nanoTime() < deadline) {
                Thread.sleep(Math.min(20, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
            }
            if (lost.get()) {
                return;
            }
            String answer = answer(task.content());
            List<WorkerApi.OutFile> files = FILE_WORD.matcher(task.content()).find()
                    ? List.of(new WorkerApi.OutFile(
                            "answer.txt",
                            "text/plain; charset=utf-8",
                            (answer + "\n").getBytes(StandardCharsets.UTF_8)))
                    : List.of();
            try {
                api.complete(task, answer, MODEL, costUsd, files);
                say("task " + task.taskId() + ": completed");
            } catch (WorkerApi.LeaseLost e) {
                say("task " + task.taskId() + ": lease lost on complete (409: " + e.getMessage() + "); dropped");
            } catch (LanechatConnectionException e) {
                say("task " + task.taskId() + ": could not complete (" + e.getMessage()
                        + "); its lease will expire and it" + " will be retried");
            }
        } finally {
            beat.cancel(false);
        }
    }

    /** The reference answer: the message upper-cased, or reversed (by code point). */
    String answer(String content) {
        if (!reverse) {
            return content.toUpperCase(Locale.ROOT);
        }
        return new StringBuilder(content).reverse().toString();
    }

    private void say(String line) {
        synchronized (out) {
            out.println("worker: " + line);
            out.flush();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
