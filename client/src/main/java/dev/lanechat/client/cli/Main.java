// Entry point of lanechat-client.jar: hands the real process streams and environment to Cli and
// turns its answer into the exit status.
package dev.lanechat.client.cli;

/** {@code java -jar lanechat-client.jar send|chat|watch …}; see {@code --help}. */
public final class Main {
    private Main() {}

    /**
     * Runs the CLI and exits with its status: 0 done, 1 the task failed, 2 usage or connection error.
     *
     * @param args the subcommand and its arguments
     */
    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("worker")) {
            System.exit(dev.lanechat.client.worker.ReferenceWorker.run(
                    java.util.Arrays.copyOfRange(args, 1, args.length), System.getenv(), System.out, System.err));
        }
        Cli cli = new Cli(System.getenv(), System.in, System.out, System.err, System.console() != null);
        System.exit(cli.run(args));
    }
}
