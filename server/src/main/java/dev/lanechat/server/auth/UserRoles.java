package dev.lanechat.server.auth;

import java.util.Optional;

/**
 * Who is an admin (issue 20): a user whose role is {@link Users#ROLE_ADMIN}
 * ({@code users add NAME --admin}, or made so on the admin page); in open mode the one local
 * user, who runs the server on their own machine. Workers never are.
 */
public final class UserRoles {
    private final AuthMode mode;
    private final Users users;

    public UserRoles(AuthMode mode, Users users) {
        this.mode = mode;
        this.users = users;
    }

    /** The role of {@code user}: {@link Users#ROLE_ADMIN} or {@link Users#ROLE_USER}. */
    public String roleOf(User user) {
        if (mode == AuthMode.OPEN) {
            return Users.ROLE_ADMIN;
        }
        Optional<String> role = users.role(user.id());
        return role.filter(Users.ROLE_ADMIN::equals).orElse(Users.ROLE_USER);
    }

    public boolean isAdmin(User user) {
        return Users.ROLE_ADMIN.equals(roleOf(user));
    }
}
