package io.ingestline.local;

import io.ingestline.edge.EdgeConfig;
import io.ingestline.query.QueryConfig;
import io.ingestline.sink.SinkConfig;
import io.ingestline.validator.ValidatorConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The fixed ports local mode will listen on, each with the setting that moves it. Checked before anything starts,
 * because once the broker has begun, a bind failure surfaces as a stack trace that names neither the setting nor,
 * for the services, the port.
 */
final class LocalPorts {
    /** One port to listen on; {@code setting} is the variable to change when it is taken. */
    record Port(String setting, String host, int port) {
    }

    private final List<Port> ports;

    private LocalPorts(List<Port> ports) {
        this.ports = List.copyOf(ports);
    }

    /** The ports the configuration fixes; ports left to the system (0) or turned off (-1) cannot clash. */
    static LocalPorts of(LocalConfig local, EdgeConfig edge, ValidatorConfig validator, SinkConfig sink,
            QueryConfig query) {
        List<Port> all = new ArrayList<>();
        add(all, LocalConfig.KAFKA_PORT.env(), "127.0.0.1", local.kafkaPort());
        add(all, LocalConfig.CONTROLLER_PORT.env(), "127.0.0.1", local.controllerPort());
        add(all, EdgeConfig.HTTP_PORT.env(), edge.httpHost(), edge.httpPort());
        if (edge.tlsCert() != null) {
            add(all, EdgeConfig.HTTPS_PORT.env(), edge.httpHost(), edge.httpsPort());
        }
        add(all, EdgeConfig.OTLP_PORT.env(), edge.httpHost(), edge.otlpPort());
        if (edge.adminToken() != null) {
            add(all, EdgeConfig.ADMIN_PORT.env(), edge.adminHost(), edge.adminPort());
        }
        add(all, ValidatorConfig.HTTP_PORT.env(), validator.httpHost(), validator.httpPort());
        add(all, SinkConfig.HTTP_PORT.env(), sink.httpHost(), sink.httpPort());
        add(all, QueryConfig.PORT.env(), query.host(), query.port());
        return new LocalPorts(all);
    }

    private static void add(List<Port> all, String setting, String host, int port) {
        if (port > 0) {
            all.add(new Port(setting, host, port));
        }
    }

    /** Every port given to two settings, and every port another process listens on; empty when all is well. */
    List<String> problems() {
        List<String> problems = new ArrayList<>();
        Map<Integer, String> first = new HashMap<>();
        for (Port p : ports) {
            String other = first.putIfAbsent(p.port(), p.setting());
            if (other != null) {
                problems.add("port " + p.port() + " is set for both " + other + " and " + p.setting()
                        + ": set one of them to another port");
            } else if (!free(p)) {
                problems.add("port " + p.port() + " (" + p.setting() + ", on " + p.host()
                        + ") is taken by another process: stop it, or set " + p.setting() + " to another port");
            }
        }
        return problems;
    }

    /** Each port with its setting, for a start-up failure that does not say which port it could not bind. */
    @Override
    public String toString() {
        return ports.stream().map(p -> p.setting() + "=" + p.port()).collect(Collectors.joining(", "));
    }

    private static boolean free(Port p) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(p.host(), p.port()));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
