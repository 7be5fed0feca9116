// `lanechat watch`: every event of the user, one JSON line each, resuming across reconnects.
package dev.lanechat.client.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.lanechat.client.ConnectionStatus;
import dev.lanechat.client.Event;
import dev.lanechat.client.LanechatClient;
import dev.lanechat.client.LanechatStream;
import dev.lanechat.client.StreamListener;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

final class WatchCommand {
    static final Set<String> OPTIONS = Set.of("since");
    static final String HELP = """
      Usage: lanechat watch [options]

      Prints every event of the user as it arrives, one JSON object per line on standard
      output; connection status, resets and server errors go to standard error. Resumes
      after the last event seen when the connection comes back. Stop it with Ctrl-C.

      Options:
        --since ID     first replay the events after this id (default: only new ones)
      """ + Cli.connectionOptionsHelp(15);

    private final Cli cli;

    WatchCommand(Cli cli) {
        this.cli = cli;
    }

    int run(Args args) {
        args.requireNoPositionals("watch takes no arguments besides options");
        long since = -1;
        if (args.option("since") != null) {
            try {
                since = Long.parseLong(args.option("since"));
            } catch (NumberFormatException e) {
                throw new UsageException("--since needs an event id, not '" + args.option("since") + "'");
            }
        }
        LanechatClient api = cli.client(args);
        api.health(); // an unreachable server is an error at start; later outages are waited out
        CountDownLatch fatal = new CountDownLatch(1);
        LanechatStream.Builder b = LanechatStream.builder(api).listener(new Printer(api, fatal));
        if (since >= 0) {
            b.since(since);
        }
        try (LanechatStream stream = b.build()) {
            stream.start();
            fatal.await(); // until a bad token, or until the process is interrupted (Ctrl-C)
            return Cli.USAGE_OR_CONNECTION;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Cli.OK;
        }
    }

    private final class Printer implements StreamListener {
        private final LanechatClient api;
        private final CountDownLatch fatal;

        Printer(LanechatClient api, CountDownLatch fatal) {
            this.api = api;
            this.fatal = fatal;
        }

        @Override
        public void onEvent(Event event) {
            try {
                cli.out().println(api.mapper().writeValueAsString(event));
                cli.out().flush();
            } catch (JsonProcessingException e) {
                cli.err().println("lanechat: cannot print an event: " + e.getOriginalMessage());
            }
        }

        @Override
        public void onReset() {
            cli.err().println("lanechat: the server could not replay from our last event; showing new events only");
        }

        @Override
        public void onError(String code, String message, long retryAfterMs) {
            cli.err().println("lanechat: server: " + message + " (" + code + ")");
            if ("unauthenticated".equals(code)) {
                fatal.countDown(); // retrying cannot fix a wrong token
            }
        }

        @Override
        public void onStatus(ConnectionStatus status) {
            cli.err().println("lanechat: connection " + status.name().toLowerCase());
        }
    }
}
