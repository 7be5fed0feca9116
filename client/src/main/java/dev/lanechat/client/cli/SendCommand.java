// `lanechat send TEXT`: one message, wait for its answer over the stream, print it.
package dev.lanechat.client.cli;

import dev.lanechat.client.LanechatClient;
import dev.lanechat.client.LanechatException;
import dev.lanechat.client.LanechatStream;
import dev.lanechat.client.TaskOutcome;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

final class SendCommand {
    static final Set<String> OPTIONS = Set.of("conversation", "lane", "timeout", "file");
    static final String HELP = """
      Usage: lanechat send [options] TEXT...

      Sends TEXT (the words are joined with spaces) and prints the answer as it streams
      (the final answer exactly once), then a "lane · model · $cost" line. Waits for the
      answer across server restarts.

      Options:
        --conversation ID   add to this conversation (default: a new one)
        --lane NAME         the lane (default: the server's default lane)
        --timeout SECONDS   give up waiting after this long (default: wait)
        --file PATH         attach this file (repeatable, at most 8): a text file
                            (≤ 1 MiB) or a PNG, JPEG, WebP or GIF image (≤ 10 MiB)
      """ + Cli.connectionOptionsHelp(20) + """

      Exit status: 0 completed, 1 the task failed, 2 usage or connection error.
      """;

    private final Cli cli;

    SendCommand(Cli cli) {
        this.cli = cli;
    }

    int run(Args args) {
        String text = String.join(" ", args.positionals);
        if (text.isBlank()) {
            throw new UsageException("send needs the text of a message (try send --help)");
        }
        long timeoutS = seconds(args.option("timeout"));
        java.util.List<java.nio.file.Path> files = Attachments.paths(args.optionValues("file"));
        LanechatClient api = cli.client(args);
        String conversation = args.option("conversation");
        java.util.List<String> uploads = Attachments.upload(api, files); // before a conversation is made
        if (conversation == null) {
            conversation = api.createConversation(null).id();
        }
        try (LanechatStream stream = LanechatStream.builder(api).build();
                Spinner s = new Spinner(cli.terminal(), cli.err(), "waiting for the answer…")) {
            // The answer is printed as it streams (progress frames); the spinner stops at its first
            // character. The final content then completes it, so stdout has the answer exactly once.
            AnswerPrinter printer = new AnswerPrinter(cli.out(), s::close);
            stream.addListener(printer);
            stream.start();
            CompletableFuture<TaskOutcome> answer =
                    Attachments.send(stream, api, conversation, text, args.option("lane"), uploads, printer::accepted);
            TaskOutcome o = await(answer, timeoutS);
            s.close();
            if (o == null) {
                endLine(printer.printedSoFar(), cli);
                cli.err().println("lanechat: no answer within " + timeoutS + " s (the task goes on on the server)");
                return Cli.USAGE_OR_CONNECTION;
            }
            return print(o, printer);
        }
    }

    private int print(TaskOutcome o, AnswerPrinter printer) {
        return printOutcome(o, printer, cli) ? Cli.OK : Cli.TASK_FAILED;
    }

    /**
     * Finishes an answer that may have been streaming: the rest of a completed answer and its meta
     * line on stdout, or the failure on stderr (after ending a partial line). True when completed.
     */
    static boolean printOutcome(TaskOutcome o, AnswerPrinter printer, Cli cli) {
        if (o.completed()) {
            String content = o.result() == null ? "" : o.result().content();
            Format.answer(o, printer.remainder(content), cli.out());
            return true;
        }
        endLine(printer.printedSoFar(), cli);
        cli.err().println("lanechat: " + Format.failure(o));
        return false;
    }

    /** A partial answer that will not be completed still ends its line. */
    private static void endLine(String printed, Cli cli) {
        if (!printed.isEmpty() && !printed.endsWith("\n")) {
            cli.out().println();
            cli.out().flush();
        }
    }

    static long seconds(String value) {
        if (value == null) {
            return 0;
        }
        try {
            long s = Long.parseLong(value);
            if (s <= 0) {
                throw new NumberFormatException();
            }
            return s;
        } catch (NumberFormatException e) {
            throw new UsageException("--timeout needs a positive number of seconds, not '" + value + "'");
        }
    }

    /** @return the outcome, or null on timeout; the send's own failure is rethrown as is */
    static TaskOutcome await(CompletableFuture<TaskOutcome> f, long timeoutS) {
        try {
            return timeoutS > 0 ? f.get(timeoutS, TimeUnit.SECONDS) : f.get();
        } catch (TimeoutException e) {
            return null;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof LanechatException le) {
                throw le;
            }
            throw new LanechatException(String.valueOf(e.getCause()), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LanechatException("interrupted", e);
        }
    }
}
