// Command-line parsing: --flag value, --flag=value, boolean flags, "--" and positionals.
package dev.lanechat.client.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The parsed arguments of one subcommand. */
final class Args {
    final Map<String, String> options = new HashMap<>();
    /** Every value of each flag, in order (for a repeatable one such as --file). */
    final Map<String, List<String>> all = new HashMap<>();

    final List<String> positionals = new ArrayList<>();
    boolean help;

    /**
     * @param args what follows the subcommand
     * @param valued the flags that take a value (without "--")
     */
    static Args parse(List<String> args, Set<String> valued) {
        Args a = new Args();
        boolean flagsDone = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!flagsDone && arg.equals("-h")) {
                a.help = true;
                continue;
            }
            if (flagsDone || !arg.startsWith("--")) {
                a.positionals.add(arg);
                continue;
            }
            if (arg.equals("--")) {
                flagsDone = true;
                continue;
            }
            String name = arg.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (name.equals("help")) {
                a.help = true;
                continue;
            }
            if (!valued.contains(name)) {
                throw new UsageException("unknown option --" + name);
            }
            if (value == null) {
                if (i + 1 >= args.size()) {
                    throw new UsageException("--" + name + " needs a value");
                }
                value = args.get(++i);
            }
            a.options.put(name, value);
            a.all.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return a;
    }

    String option(String name) {
        return options.get(name);
    }

    /** Every value given for a repeatable flag, in order; empty when none. */
    List<String> optionValues(String name) {
        return all.getOrDefault(name, List.of());
    }

    /** For a command that takes options only: stray words are a usage error, with this message. */
    void requireNoPositionals(String message) {
        if (!positionals.isEmpty()) {
            throw new UsageException(message);
        }
    }
}
