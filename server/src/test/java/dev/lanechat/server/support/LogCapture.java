package dev.lanechat.server.support;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * Every log event of the process while open, as Logback would write it: a {@link ListAppender} on
 * the root logger. Optionally lowers some loggers' levels (restored at close).
 */
public final class LogCapture implements AutoCloseable {
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final Map<Logger, Level> previous = new java.util.HashMap<>();

    private LogCapture() {
        appender.start();
        root.addAppender(appender);
    }

    public static LogCapture start() {
        return new LogCapture();
    }

    /** Logs {@code loggerName} at DEBUG while this capture is open. */
    public LogCapture debug(Class<?> loggerName) {
        Logger logger = (Logger) LoggerFactory.getLogger(loggerName);
        previous.putIfAbsent(logger, logger.getLevel());
        logger.setLevel(Level.DEBUG);
        return this;
    }

    /** Each event as one string: level, logger, formatted message, and its stack trace if any. */
    public List<String> lines() {
        List<String> lines = new ArrayList<>();
        synchronized (appender) {
            for (ILoggingEvent e : new ArrayList<>(appender.list)) {
                String trace =
                        e.getThrowableProxy() == null ? "" : "\n" + ThrowableProxyUtil.asString(e.getThrowableProxy());
                lines.add(e.getLevel() + " " + e.getLoggerName() + " - " + e.getFormattedMessage() + trace);
            }
        }
        return lines;
    }

    /** The events at INFO and above, as {@link #lines()} gives them. */
    public List<String> infoLines() {
        return lines().stream()
                .filter(l -> !l.startsWith("DEBUG") && !l.startsWith("TRACE"))
                .toList();
    }

    public String all() {
        return String.join("\n", lines());
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        previous.forEach(Logger::setLevel);
    }
}
