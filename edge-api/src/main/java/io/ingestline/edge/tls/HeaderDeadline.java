package io.ingestline.edge.tls;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Closes a connection whose request line and headers are not complete within a deadline of their first byte. The idle
 * timeout alone never fires on a client that trickles a header byte at a time (a slowloris), and each such connection
 * holds one of the connection limit's places. Jetty parses headers without a thread, so a sweep now and then is
 * enough; it reads the parser's state from outside its thread, which at worst delays a close by one sweep.
 */
final class HeaderDeadline extends AbstractLifeCycle {
    private final AbstractConnector connector;
    private final long deadlineNanos;
    private final long sweepMillis;
    /** Connections seen receiving headers: the request (count of requests before it) and when it was first seen. */
    private Map<EndPoint, long[]> receiving = new HashMap<>();
    private Scheduler.Task task;

    HeaderDeadline(AbstractConnector connector, Duration deadline) {
        this.connector = connector;
        this.deadlineNanos = deadline.toNanos();
        this.sweepMillis = Math.max(100, Math.min(1000, deadline.toMillis() / 4));
    }

    @Override
    protected void doStart() {
        schedule();
    }

    @Override
    protected void doStop() {
        if (task != null) {
            task.cancel();
        }
    }

    private void schedule() {
        task = connector.getScheduler().schedule(this::sweep, sweepMillis, TimeUnit.MILLISECONDS);
    }

    private void sweep() {
        try {
            long now = System.nanoTime();
            Map<EndPoint, long[]> next = new HashMap<>();
            for (EndPoint ep : connector.getConnectedEndPoints()) {
                if (http(ep) instanceof HttpConnection http && receivingHeaders(http.getParser())) {
                    long request = http.getMessagesIn();
                    long[] seen = receiving.get(ep);
                    if (seen == null || seen[0] != request) {
                        seen = new long[] {request, now};
                    }
                    if (now - seen[1] > deadlineNanos) {
                        ep.close();
                    } else {
                        next.put(ep, seen);
                    }
                }
            }
            receiving = next;
        } finally {
            if (isRunning()) {
                schedule();
            }
        }
    }

    /** The connection HTTP is parsed on: under TLS, the one on the decrypted side. */
    private static Connection http(EndPoint ep) {
        Connection c = ep.getConnection();
        return c instanceof SslConnection ssl ? ssl.getSslEndPoint().getConnection() : c;
    }

    private static boolean receivingHeaders(HttpParser parser) {
        return parser.inHeaderState() && !parser.isStart();
    }
}
