// `lanechat chat`: a line-by-line conversation on stdin/stdout over one stream.
package dev.lanechat.client.cli;

import dev.lanechat.client.LanechatApiException;
import dev.lanechat.client.LanechatClient;
import dev.lanechat.client.LanechatException;
import dev.lanechat.client.LanechatStream;
import dev.lanechat.client.TaskOutcome;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Set;

final class ChatCommand {
    static final Set<String> OPTIONS = Set.of("conversation", "lane");
    static final String HELP = """
      Usage: lanechat chat [options]

      Reads one message per line from standard input and prints each answer with its
      "lane · model · $cost" line, all in one conversation. /quit or end of input stops.

      Options:
        --conversation ID   continue this conversation (default: a new one)
        --lane NAME         the lane (default: the server's default lane)
      """ + Cli.connectionOptionsHelp(20);

    private final Cli cli;

    ChatCommand(Cli cli) {
        this.cli = cli;
    }

    int run(Args args) {
        args.requireNoPositionals("chat takes no text; type messages after it starts");
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
                exchange(stream, conversation, line, lane);
            }
        } catch (IOException e) {
            throw new LanechatException("cannot read standard input: " + e.getMessage(), e);
        }
    }

    /** One message and its answer, printed as it streams; a failure is reported and the loop goes on. */
    private void exchange(LanechatStream stream, String conversation, String text, String lane) {
        try (Spinner s = new Spinner(cli.terminal(), cli.err(), "waiting…")) {
            AnswerPrinter printer = new AnswerPrinter(cli.out(), s::close);
            stream.addListener(printer);
            try {
                TaskOutcome o = SendCommand.await(stream.send(conversation, text, lane, printer::accepted), 0);
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
