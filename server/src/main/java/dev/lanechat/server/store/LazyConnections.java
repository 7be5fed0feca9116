package dev.lanechat.server.store;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.jdbi.v3.core.ConnectionFactory;

/**
 * SQLite's pooled connections, taken from the pool only when a handle first uses one.
 *
 * <p>Every transaction runs on the {@link SqliteWriter}'s own connection, but Jdbi opens a handle
 * (and so took a pooled connection) before it hands the transaction over; a caller waiting for
 * the writer then held a pool connection it never used. Under load the waiting callers held the
 * whole pool and the readers starved (a profile showed lane loops parked in the pool), and a
 * write unit that read through the pool could have waited on them for ever. A handle that only
 * asks for a transaction never touches its connection here, so it never takes one.
 */
final class LazyConnections implements ConnectionFactory {
    private final DataSource pool;

    LazyConnections(DataSource pool) {
        this.pool = pool;
    }

    @Override
    public Connection openConnection() {
        return (Connection) Proxy.newProxyInstance(
                Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, new Lazy(pool));
    }

    @Override
    public void closeConnection(Connection connection) throws SQLException {
        connection.close();
    }

    /** A connection from the pool on first real use; until then, an idle connection in autocommit mode. */
    private static final class Lazy implements InvocationHandler {
        private final DataSource pool;
        private Connection real;
        private boolean closed;

        Lazy(DataSource pool) {
            this.pool = pool;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            if (real == null) {
                switch (method.getName()) {
                    case "close" -> {
                        closed = true;
                        return null;
                    }
                    case "isClosed" -> {
                        return closed;
                    }
                    case "getAutoCommit" -> {
                        return true;
                    }
                    case "equals" -> {
                        return proxy == args[0];
                    }
                    case "hashCode" -> {
                        return System.identityHashCode(proxy);
                    }
                    case "toString" -> {
                        return "lazy pooled connection";
                    }
                    default -> {
                        if (closed) {
                            throw new SQLException("connection closed");
                        }
                        real = pool.getConnection();
                    }
                }
            }
            try {
                return method.invoke(real, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }
}
