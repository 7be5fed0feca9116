// The CLI's dispatcher: picks the subcommand, resolves --url/--token against LANECHAT_URL and
// LANECHAT_TOKEN, and maps expected failures to one-line messages and exit statuses.
package dev.lanechat.client.cli;

import dev.lanechat.client.LanechatApiException;
import dev.lanechat.client.LanechatClient;
import dev.lanechat.client.LanechatException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToIntFunction;

/** Runs one command line. Everything it touches comes in through the constructor, for tests. */
public final class Cli {
    static final int OK = 0;
    static final int TASK_FAILED = 1;
    static final int USAGE_OR_CONNECTION = 2;
    static final String DEFAULT_URL = "http://127.0.0.1:8080";

    static final String USAGE = """
      Usage: lanechat <command> [options]

      Commands:
        send TEXT     send one message and print the answer
        chat          chat interactively, one conversation, a message per line
        watch         print every event of the user as it arrives

      Common options:
        --url URL     the server (default $LANECHAT_URL, else http://127.0.0.1:8080)
        --token TOK   an API token (default $LANECHAT_TOKEN; not needed on loopback)
        --help        help for a command, e.g. lanechat send --help

      Exit status: 0 done, 1 the task failed, 2 usage or connection error.
      """;

    private final Map<String, String> env;
    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;
    private final boolean terminal;

    /**
     * @param env the environment (LANECHAT_URL, LANECHAT_TOKEN)
     * @param in standard input (chat reads it)
     * @param out standard output: answers and events only
     * @param err standard error: errors, status, the spinner
     * @param terminal whether a person is watching (spinner, prompts)
     */
    public Cli(Map<String, String> env, InputStream in, PrintStream out, PrintStream err, boolean terminal) {
        this.env = env;
        this.in = in;
        this.out = out;
        this.err = err;
        this.terminal = terminal;
    }

    /**
     * @param argv the command line
     * @return the exit status
     */
    public int run(String[] argv) {
        List<String> all = Arrays.asList(argv);
        if (all.isEmpty()) {
            err.print(USAGE);
            return USAGE_OR_CONNECTION;
        }
        String command = all.get(0);
        List<String> rest = all.subList(1, all.size());
        try {
            return switch (command) {
                case "send" -> run(rest, SendCommand.OPTIONS, SendCommand.HELP, new SendCommand(this)::run);
                case "chat" -> run(rest, ChatCommand.OPTIONS, ChatCommand.HELP, new ChatCommand(this)::run);
                case "watch" -> run(rest, WatchCommand.OPTIONS, WatchCommand.HELP, new WatchCommand(this)::run);
                case "--help", "-h", "help" -> {
                    out.print(USAGE);
                    yield OK;
                }
                default -> throw new UsageException("unknown command '" + command + "' (try --help)");
            };
        } catch (UsageException e) {
            err.println("lanechat: " + e.getMessage());
            return USAGE_OR_CONNECTION;
        } catch (LanechatApiException e) {
            err.println("lanechat: " + describe(e));
            return USAGE_OR_CONNECTION;
        } catch (LanechatException e) {
            // Connection failures already name the URL: "cannot reach Lanechat at URL: …".
            err.println("lanechat: " + e.getMessage());
            return USAGE_OR_CONNECTION;
        }
    }

    /**
     * Runs a subcommand on its parsed arguments, or prints its help instead when they ask for it
     * (every command answers --help the same way, so it is done here once).
     */
    private int run(List<String> rest, Set<String> own, String help, ToIntFunction<Args> command) {
        Args args = parse(rest, own);
        if (args.help) {
            out.print(help);
            return OK;
        }
        return command.applyAsInt(args);
    }

    private static Args parse(List<String> args, Set<String> own) {
        Set<String> valued = new HashSet<>(own);
        valued.add("url");
        valued.add("token");
        return Args.parse(args, valued);
    }

    static String describe(LanechatApiException e) {
        return e.getMessage() + " (" + e.code() + ", HTTP " + e.status() + ")";
    }

    /**
     * The help lines of the options every command takes, --url and --token (resolved by {@link
     * #client}), so a command's help lists them without a copy of its own.
     *
     * @param width the width of the option column in the command's help, to line up with its own
     */
    static String connectionOptionsHelp(int width) {
        String line = "  %-" + width + "s%s\n";
        return String.format(line, "--url URL", "the server (default $LANECHAT_URL, else " + DEFAULT_URL + ")")
                + String.format(line, "--token TOKEN", "an API token (default $LANECHAT_TOKEN)");
    }

    /** The HTTP client for the resolved --url and --token. */
    LanechatClient client(Args args) {
        String url = firstNonBlank(args.option("url"), env.get("LANECHAT_URL"), DEFAULT_URL);
        String token = firstNonBlank(args.option("token"), env.get("LANECHAT_TOKEN"), null);
        try {
            return LanechatClient.builder().url(url).token(token).build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }

    InputStream in() {
        return in;
    }

    PrintStream out() {
        return out;
    }

    PrintStream err() {
        return err;
    }

    boolean terminal() {
        return terminal;
    }
}
