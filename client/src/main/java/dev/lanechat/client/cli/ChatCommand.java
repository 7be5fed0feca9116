// `lanechat chat`: a line-by-line conversation on stdin/stdout over one stream.
package dev.lanechat.client.cli;

import dev.lanechat.client.LanechatApiException;
import dev.lanechat.client.LanechatClient;
import dev.lanechat.client.LanechatException;
import dev.lanechat.client.LanechatStream;
import dev.lanechat.client.Message;
import dev.lanechat.client.SendReceipt;
import dev.lanechat.client.TaskOutcome;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.UUID;

final class ChatCommand {
    static final Set<String> OPTIONS = Set.of("conversation", "lane", "file");
    static final String HELP = """
      Usage: lanechat chat [options]

      Reads one message per line from standard input and prints each answer with its
      "lane · model · $cost" line, all in one conversation. /quit or end of input stops.
      /regenerate asks again for the last answer (a new version of it); /edit TEXT
      sends TEXT as a new version of your last message (what followed it stays on the
      old branch).

      Options:
        --conversation ID   continue this conversation (default: a new one)
        --lane NAME         the lane (default: the server's default lane)
        --file PATH         attach this file to the first message (repeatable, at most 8);
                            later, "/file PATH" on a line of its own attaches one to the next
      """ + Cli.connectionOptionsHelp(20);

    private final Cli cli;

    ChatCommand(Cli cli) {
        this.cli = cli;
    }

    int run(Args args) {
        args.requireNoPositionals("chat takes no text; type messages after it starts");
        java.util.List<java.nio.file.Path> files =
                new java.util.ArrayList<>(Attachments.paths(args.optionValues("file")));
        LanechatClient api = cli.client(args);
        String conversation = args.option("conversation");
        if (conversation == null) {
            // Created up front so an unreachable server is reported before anyone types.
            conversation = api.createConversation(null).id();
        } else {
            api.conversation(conversation);
        }
        String lane = args.option("lane");
        BufferedReader lines = new BufferedReader(new InputStreamReader(cli.in(), StandardCharsets.UTF_8));
        try (LanechatStream stream = LanechatStream.builder(api).build()) {
            stream.start();
            if (cli.terminal()) {
                cli.err().println("conversation " + conversation + " — /quit to leave");
            }
            while (true) {
                if (cli.terminal()) {
                    cli.out().print("> ");
                    cli.out().flush();
                }
                String line = lines.readLine();
                if (line == null || line.trim().equals("/quit") || line.trim().equals("/exit")) {
                    return Cli.OK;
                }
                if (line.isBlank()) {
                    continue;
                }
                String command = line.strip();
                if (command.startsWith("/file ")) {
                    try {
                        files.addAll(Attachments.paths(
                                java.util.List.of(command.substring(6).strip())));
                        if (files.size() > Attachments.MAX_FILES) {
                            files.remove(files.size() - 1);
                            throw new UsageException("at most " + Attachments.MAX_FILES + " files per message");
                        }
                    } catch (UsageException e) {
                        cli.err().println("lanechat: " + e.getMessage());
                    }
                } else if (command.equals("/regenerate")) {
                    redo(stream, api, conversation, lane, null);
                } else if (command.equals("/edit") || command.startsWith("/edit ")) {
                    String text = command.substring("/edit".length()).strip();
                    if (text.isEmpty()) {
                        cli.err().println("lanechat: /edit needs the new text of your last message: /edit TEXT");
                    } else {
                        redo(stream, api, conversation, lane, text);
                    }
                } else {
                    exchange(stream, api, conversation, line, lane, java.util.List.copyOf(files));
                    files.clear();
                }
            }
        } catch (IOException e) {
            throw new LanechatException("cannot read standard input: " + e.getMessage(), e);
        }
    }

    /**
     * {@code /regenerate} ({@code text} null: a new version of the last answer of the chosen path)
     * or {@code /edit TEXT} (a new version of the last user message, with its answer); the answer
     * is printed as it streams, as a send's.
     */
    private void redo(LanechatStream stream, LanechatClient api, String conversation, String lane, String text) {
        try (Spinner s = new Spinner(cli.terminal(), cli.err(), "waiting…")) {
            AnswerPrinter printer = new AnswerPrinter(cli.out(), s::close);
            stream.addListener(printer);
            try {
                String role = text == null ? "assistant" : "user";
                List<Message> path = api.conversation(conversation).messages();
                Message last = null;
                for (Message m : path) {
                    if (m.role().equals(role)) {
                        last = m;
                    }
                }
                if (last == null) {
                    s.close();
                    cli.err()
                            .println("lanechat: "
                                    + (text == null ? "no answer to regenerate yet" : "no message to edit yet"));
                    return;
                }
                String key = UUID.randomUUID().toString();
                SendReceipt receipt = text == null
                        ? api.regenerate(conversation, last.id(), lane, key)
                        : api.editMessage(conversation, last.id(), text, lane, key);
                printer.accepted(receipt);
                TaskOutcome o = SendCommand.await(stream.track(receipt.taskId()), 0);
                s.close();
                SendCommand.printOutcome(o, printer, cli);
            } finally {
                stream.removeListener(printer);
            }
        } catch (LanechatApiException e) {
            cli.err().println("lanechat: " + Cli.describe(e));
        } catch (LanechatException e) {
            cli.err().println("lanechat: " + e.getMessage());
        }
    }

    /** One message and its answer, printed as it streams; a failure is reported and the loop goes on. */
    private void exchange(
            LanechatStream stream,
            LanechatClient api,
            String conversation,
            String text,
            String lane,
            java.util.List<java.nio.file.Path> files) {
        try (Spinner s = new Spinner(cli.terminal(), cli.err(), "waiting…")) {
            AnswerPrinter printer = new AnswerPrinter(cli.out(), s::close);
            stream.addListener(printer);
            try {
                java.util.List<String> uploads = Attachments.upload(api, files);
                TaskOutcome o = SendCommand.await(
                        Attachments.send(stream, api, conversation, text, lane, uploads, printer::accepted), 0);
                s.close();
                SendCommand.printOutcome(o, printer, cli);
            } finally {
                stream.removeListener(printer);
            }
        } catch (LanechatApiException e) {
            cli.err().println("lanechat: " + Cli.describe(e));
        } catch (LanechatException e) {
            cli.err().println("lanechat: " + e.getMessage());
        }
    }
}
