package dev.lanechat.server.auth;

import dev.lanechat.server.store.Timestamps;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;

/** The users table: who exists, and their API tokens (stored hashed, shown once). */
public final class Users {
    /** The one user of open mode. */
    public static final String LOCAL_USER_NAME = "local";

    /**
     * A user as {@code users list} shows it; {@code kind} is {@link #USER} or {@link #WORKER};
     * {@code lanes} the lanes a worker may serve, null for every lane.
     */
    public record Listed(String name, String createdAt, boolean revoked, String kind, List<String> lanes, String role) {
        public Listed(String name, String createdAt, boolean revoked) {
            this(name, createdAt, revoked, USER, null, ROLE_USER);
        }
    }

    /** A person: its token works on the user API (conversations, tasks, events, sockets) only. */
    public static final String USER = "user";
    /** An external worker: its token works on the worker API (claim, heartbeat, complete, fail) only. */
    public static final String WORKER = "worker";

    /** The role of a person who may use the admin API and page (issue 20). */
    public static final String ROLE_ADMIN = "admin";
    /** The role of everyone else (and of every worker). */
    public static final String ROLE_USER = "user";

    private final Jdbi jdbi;
    private final Clock clock;
    private final VerifiedTokens verified = new VerifiedTokens();

    public Users(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** The user called {@code name}, created (without a token) if it does not exist yet. */
    public User ensure(String name) {
        return find(name).orElseGet(() -> {
            jdbi.useHandle(h -> h.createUpdate(
                            "INSERT INTO users (id, name, created_at, last_event_id) VALUES (:id, :name, :now, 0) "
                                    + "ON CONFLICT (name) DO NOTHING")
                    .bind("id", UUID.randomUUID().toString())
                    .bind("name", name)
                    .bind("now", Timestamps.format(clock.instant()))
                    .execute());
            return find(name).orElseThrow();
        });
    }

    /**
     * Sets a user's role, {@code "admin"} or {@code "user"} (column {@code role}, migration V6);
     * OIDC sign-in calls it when the provider decides who is an admin.
     */
    public void setRole(String userId, String role) {
        if (!role.equals("admin") && !role.equals("user")) {
            throw new IllegalArgumentException("role must be admin or user");
        }
        jdbi.useHandle(h -> h.createUpdate("UPDATE users SET role = :role WHERE id = :id")
                .bind("role", role)
                .bind("id", userId)
                .execute());
    }

    /**
     * Creates a user with a new API token, or gives a revoked user a new one. Returns the token,
     * which is not stored and cannot be shown again.
     *
     * @throws IllegalArgumentException for a bad name or a user that exists with a live token
     */
    public String add(String name) {
        return add(name, USER);
    }

    /** {@link #add(String)} for a user of {@code kind} ({@link #USER} or {@link #WORKER}). */
    public String add(String name, String kind) {
        return add(name, kind, null);
    }

    /**
     * {@link #add(String, String)}, for a worker that may serve only {@code lanes} (null: every
     * lane). Lane names are checked for their syntax only: a lanes file may gain the lane later.
     */
    public String add(String name, String kind, List<String> lanes) {
        return add(name, kind, lanes, ROLE_USER);
    }

    /** {@link #add(String, String, List)} with a role: {@link #ROLE_ADMIN} for a person only. */
    public String add(String name, String kind, List<String> lanes, String role) {
        if (!kind.equals(USER) && !kind.equals(WORKER)) {
            throw new IllegalArgumentException("kind must be user or worker");
        }
        if (!role.equals(ROLE_USER) && !role.equals(ROLE_ADMIN)) {
            throw new IllegalArgumentException("role must be user or admin");
        }
        if (role.equals(ROLE_ADMIN) && kind.equals(WORKER)) {
            throw new IllegalArgumentException("a worker cannot be an admin (--admin goes with a person)");
        }
        String problem = UserNames.whyNotLanes(lanes);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        if (lanes != null && !kind.equals(WORKER)) {
            throw new IllegalArgumentException("only a worker (--worker) can be limited to lanes");
        }
        String lanesColumn = lanes == null ? null : String.join(",", new java.util.TreeSet<>(lanes));
        if (!UserNames.valid(name)) {
            throw new IllegalArgumentException(UserNames.BAD_NAME);
        }
        String token = Secrets.newSecret("lc_");
        String hash = Secrets.hash(token);
        int updated = jdbi.withHandle(h -> h.createUpdate(
                        "UPDATE users SET token_hash = :hash, revoked_at = NULL, kind = :kind, lanes = :lanes, role = :role "
                                + "WHERE name = :name AND (token_hash IS NULL OR revoked_at IS NOT NULL)")
                .bind("role", role)
                .bind("kind", kind)
                .bind("lanes", lanesColumn)
                .bind("hash", hash)
                .bind("name", name)
                .execute());
        if (updated == 0) {
            if (find(name).isPresent()) {
                throw new IllegalArgumentException(UserNames.exists(name));
            }
            jdbi.useHandle(h -> h.createUpdate(
                            "INSERT INTO users (id, name, token_hash, created_at, last_event_id, kind, lanes, "
                                    + "role) VALUES (:id, :name, :hash, :now, 0, :kind, :lanes, :role)")
                    .bind("role", role)
                    .bind("kind", kind)
                    .bind("lanes", lanesColumn)
                    .bind("id", UUID.randomUUID().toString())
                    .bind("name", name)
                    .bind("hash", hash)
                    .bind("now", Timestamps.format(clock.instant()))
                    .execute());
        }
        return token;
    }

    /** Why {@link #add} would refuse {@code name} now, or null when it would not. */
    public String whyNotAddable(String name) {
        if (!UserNames.valid(name)) {
            return UserNames.BAD_NAME + " ('" + name + "' is not)";
        }
        boolean live = jdbi.withHandle(h -> h.createQuery(
                                "SELECT COUNT(*) FROM users WHERE name = :name AND token_hash IS NOT NULL AND revoked_at IS NULL")
                        .bind("name", name)
                        .mapTo(Integer.class)
                        .one())
                > 0;
        return live ? UserNames.exists(name) : null;
    }

    /** Revokes a user's token and ends its browser sessions; false when there is no such user. */
    public boolean revoke(String name) {
        boolean found = jdbi.inTransaction(h -> {
            Optional<String> id = h.createQuery("SELECT id FROM users WHERE name = :name")
                    .bind("name", name)
                    .mapTo(String.class)
                    .findOne();
            id.ifPresent(userId -> {
                h.createUpdate("UPDATE users SET token_hash = NULL, revoked_at = :now WHERE id = :id")
                        .bind("now", Timestamps.format(clock.instant()))
                        .bind("id", userId)
                        .execute();
                h.createUpdate("DELETE FROM sessions WHERE user_id = :id")
                        .bind("id", userId)
                        .execute();
            });
            return id.isPresent();
        });
        verified.forgetUser(name);
        return found;
    }

    /** Whether a user's token still works: the hash of its live token (null: none), and whether it is revoked. */
    public record Standing(String tokenHash, boolean revoked) {}

    /** The standing of each of these users (at most a few hundred ids) that exists. */
    public Map<String, Standing> standing(Collection<String> ids) {
        return jdbi.withHandle(h -> h.createQuery("SELECT id, token_hash, revoked_at FROM users WHERE id IN (<ids>)")
                .bindList("ids", List.copyOf(ids))
                .map((rs, ctx) -> Map.entry(
                        rs.getString("id"),
                        new Standing(rs.getString("token_hash"), rs.getString("revoked_at") != null)))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
    }

    public List<Listed> list() {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT name, created_at, revoked_at, kind, lanes, role FROM users ORDER BY name")
                .map((rs, ctx) -> new Listed(
                        rs.getString("name"),
                        rs.getString("created_at"),
                        rs.getString("revoked_at") != null,
                        rs.getString("kind"),
                        lanes(rs.getString("lanes")),
                        rs.getString("role")))
                .list());
    }

    private static List<String> lanes(String column) {
        return column == null ? null : List.of(column.split(","));
    }

    /** The role of the user with this id ({@link #ROLE_ADMIN} or {@link #ROLE_USER}); empty for no such user. */
    public Optional<String> role(String userId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT role FROM users WHERE id = :id")
                .bind("id", userId)
                .mapTo(String.class)
                .findOne());
    }

    public Optional<User> find(String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT id, name FROM users WHERE name = :name")
                .bind("name", name)
                .map((rs, ctx) -> new User(rs.getString("id"), rs.getString("name")))
                .findOne());
    }

    /**
     * The user whose live API token this is (a worker's token is no user's); believed for
     * {@link VerifiedTokens#FOR_MS} once verified.
     */
    public Optional<User> byToken(String token) {
        String hash = Secrets.hash(token);
        long now = clock.millis();
        User known = verified.believed(hash, now);
        if (known != null) {
            return Optional.of(known);
        }
        Optional<User> user = byHash(hash, USER);
        if (user.isPresent()) {
            verified.remember(hash, user.get(), now);
        } else {
            verified.forget(hash);
        }
        return user;
    }

    /** The worker whose live worker token this is, with the lanes it may serve. */
    public Optional<Worker> workerByToken(String token) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT id, name, lanes FROM users WHERE token_hash = :hash AND revoked_at IS NULL AND kind = :kind")
                .bind("kind", WORKER)
                .bind("hash", Secrets.hash(token))
                .map((rs, ctx) -> {
                    List<String> lanes = lanes(rs.getString("lanes"));
                    return new Worker(
                            rs.getString("id"), rs.getString("name"), lanes == null ? null : Set.copyOf(lanes));
                })
                .findOne());
    }

    private Optional<User> byHash(String hash, String kind) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT id, name FROM users WHERE token_hash = :hash AND revoked_at IS NULL AND kind = :kind")
                .bind("kind", kind)
                .bind("hash", hash)
                .map((rs, ctx) -> new User(rs.getString("id"), rs.getString("name")))
                .findOne());
    }
}
