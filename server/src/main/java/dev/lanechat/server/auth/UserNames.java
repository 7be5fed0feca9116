package dev.lanechat.server.auth;

import java.util.List;
import java.util.regex.Pattern;

/** The syntax of the names a user is added with (its own, a worker's lanes), and the words of refusals. */
public final class UserNames {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");

    /**
     * The syntax of a lane's name, as a lanes file has it (config/LanesFile; repeated here, as
     * auth may not depend on config). A worker may be limited to a lane the file lacks today.
     */
    private static final Pattern LANE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    static final String BAD_NAME = "a user name is 1-64 letters, digits or . _ @ -, starting with a letter or digit";

    private UserNames() {}

    /** Whether {@code name} is a user name (else {@link #BAD_NAME} says why not). */
    static boolean valid(String name) {
        return NAME.matcher(name).matches();
    }

    static String exists(String name) {
        return "user '" + name + "' exists already; revoke it first to issue a new token";
    }

    /** Why {@code lanes} is no list of lane names (null, every lane, is one), or null when it is. */
    public static String whyNotLanes(List<String> lanes) {
        if (lanes == null) {
            return null;
        }
        if (lanes.isEmpty()) {
            return "--lanes needs one or more lane names, comma-separated";
        }
        for (String lane : lanes) {
            if (!LANE_NAME.matcher(lane).matches()) {
                return "a lane name is 1-64 letters, digits or . _ -, starting with a letter or digit ('" + lane
                        + "' is not)";
            }
        }
        return null;
    }
}
