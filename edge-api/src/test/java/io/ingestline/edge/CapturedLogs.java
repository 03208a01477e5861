package io.ingestline.edge;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/**
 * Every log line the edge writes while attached (at the production levels, and DEBUG for the edge's own loggers), so
 * that a test can assert what reached the logs: their level, and that no secret is in them.
 */
final class CapturedLogs extends AppenderBase<ILoggingEvent> implements AutoCloseable {
    private final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();
    private final Logger edge = (Logger) LoggerFactory.getLogger("io.ingestline.edge");
    private final Level edgeLevel;

    CapturedLogs() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        setContext(context);
        setName("captured");
        start();
        edgeLevel = edge.getLevel();
        edge.setLevel(Level.DEBUG);
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(this);
    }

    @Override
    protected void append(ILoggingEvent e) {
        e.prepareForDeferredProcessing();
        events.add(e);
    }

    /** The lines at WARN or above, with their stack traces. */
    List<String> warnings() {
        return events.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN)).map(CapturedLogs::line).toList();
    }

    /** Every line, with its stack trace. */
    String all() {
        StringBuilder b = new StringBuilder();
        events.forEach(e -> b.append(line(e)).append('\n'));
        return b.toString();
    }

    void clear() {
        events.clear();
    }

    private static String line(ILoggingEvent e) {
        String line = e.getLevel() + " " + e.getLoggerName() + " - " + e.getFormattedMessage();
        return e.getThrowableProxy() == null ? line : line + "\n" + ThrowableProxyUtil.asString(e.getThrowableProxy());
    }

    @Override
    public void close() {
        ((LoggerContext) getContext()).getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(this);
        edge.setLevel(edgeLevel);
        stop();
    }
}
