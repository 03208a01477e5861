package io.ingestline.edge.tls;

import io.javalin.config.JavalinConfig;
import jakarta.servlet.DispatcherType;
import java.security.KeyStore;
import java.time.Duration;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The edge's listeners: plain HTTP and HTTPS, either or both. Declared as Jetty connectors so that one server (one
 * set of routes and limits) serves both, with the same limits on slow and abusive clients.
 *
 * @param httpHost  interface of both listeners
 * @param httpPort  HTTP port; -1 for no plain HTTP
 * @param httpsPort HTTPS port; -1 for no HTTPS
 * @param tls       certificate and key files, when HTTPS is on
 * @param limits    what one connection may take, on both listeners
 */
public record Listeners(String httpHost, int httpPort, int httpsPort, TlsFiles tls, Limits limits) {
    public static final String HTTP = "http";
    public static final String HTTPS = "https";
    /** Threads beyond one per connection: Jetty's selectors and acceptors, and tasks of its own. */
    private static final int SPARE_THREADS = 32;
    private static final int MIN_THREADS = 8;

    /**
     * Bounds on connections, by time and bytes.
     *
     * @param idleTimeout    a connection with no bytes moving for this long is closed (a stalled upload too), and
     *                       a request's line and headers must be complete this long after their first byte
     * @param minDataRate    slowest request body in bytes per second, averaged since its first byte, once it has been
     *                       arriving for the idle timeout; 0 for none
     * @param maxConnections connections open at once over both listeners; past it new ones wait to be accepted
     * @param maxHeaderBytes largest request line and headers; larger gets 431
     */
    public record Limits(Duration idleTimeout, long minDataRate, int maxConnections, int maxHeaderBytes) {
        public static final Limits DEFAULT = new Limits(Duration.ofSeconds(30), 1024, 4096, 16 * 1024);
    }

    public Listeners {
        if (httpPort < 0 && httpsPort < 0) {
            throw new IllegalArgumentException("neither HTTP nor HTTPS is on");
        }
        if (httpsPort >= 0 && tls == null) {
            throw new IllegalArgumentException("HTTPS needs a certificate and a key");
        }
    }

    /** Listeners with the default limits. */
    public Listeners(String httpHost, int httpPort, int httpsPort, TlsFiles tls) {
        this(httpHost, httpPort, httpsPort, tls, Limits.DEFAULT);
    }

    public static Listeners httpOnly(String host, int port) {
        return new Listeners(host, port, -1, null);
    }

    /** Adds the connectors to a Javalin configuration; loading the key store here fails early on bad files. */
    public void apply(JavalinConfig config) {
        KeyStore keyStore = httpsPort >= 0 ? PemKeyStore.load(tls.cert(), tls.key(), tls.keyPassword()) : null;
        config.jetty.modifyHttpConfiguration(http -> {
            http.setIdleTimeout(limits.idleTimeout().toMillis());
            http.setRequestHeaderSize(limits.maxHeaderBytes());
        });
        config.jetty.modifyServer(server -> {
            server.addBean(new NetworkConnectionLimit(limits.maxConnections(), server));
            server.setErrorHandler(new WireErrors());
        });
        if (limits.minDataRate() > 0) {
            config.jetty.modifyServletContextHandler(context -> context.addFilter(new FilterHolder(
                    new MinimumRateFilter(limits.minDataRate(), limits.idleTimeout())), "/*",
                    EnumSet.of(DispatcherType.REQUEST)));
        }
        // A request holds a thread while its body arrives (blocking reads), and HTTP/1.1 has one request at a time per
        // connection: with a thread for every connection allowed, stalled uploads can never take the last thread.
        QueuedThreadPool threads = new QueuedThreadPool(limits.maxConnections() + SPARE_THREADS, MIN_THREADS);
        threads.setName("edge-http");
        config.jetty.threadPool = threads;
        if (httpPort >= 0) {
            config.jetty.addConnector((server, http) -> connector(server, HTTP, httpPort,
                    new HttpConnectionFactory(http)));
        }
        if (keyStore != null) {
            config.jetty.addConnector((server, http) -> {
                SslContextFactory.Server ssl = new SslContextFactory.Server();
                ssl.setKeyStore(keyStore);
                ssl.setKeyStorePassword(PemKeyStore.STORE_PASSWORD);
                HttpConfiguration https = new HttpConfiguration(http);
                https.addCustomizer(new SecureRequestCustomizer(false));
                return connector(server, HTTPS, httpsPort,
                        new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(https));
            });
        }
    }

    private ServerConnector connector(Server server, String name, int port,
            org.eclipse.jetty.server.ConnectionFactory... factories) {
        ServerConnector c = new ServerConnector(server, factories);
        c.setName(name);
        c.setHost(httpHost);
        c.setPort(port);
        c.setIdleTimeout(limits.idleTimeout().toMillis());
        c.addBean(new HeaderDeadline(c, limits.idleTimeout()));
        return c;
    }

    /** The port a started server's listener of that name is bound to, or -1. */
    public static int port(Server server, String name) {
        for (var c : server.getConnectors()) {
            if (c instanceof ServerConnector s && name.equals(s.getName())) {
                return s.getLocalPort();
            }
        }
        return -1;
    }
}
