package io.ingestline.sink.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.ingestline.model.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The PostgreSQL backend's {@code COPY} data: binary ({@link CopyBinary}), text ({@link CopyText}), and the text the
 * way it was before {@link CopyText}
 * (each event parsed into a whole tree for its typed columns, each byte put in the buffer by one call, the time through
 * {@link Instant#toString()}), for {@code io.ingestline.bench.CopyTextCpu}. In this package because both use the
 * backend's package-private classes. The former path is the one the sink-writer tests keep as their reference
 * ({@code CopyTextReference}, which {@link CopyText} equals byte for byte), here with the former 64 KB buffer.
 */
public final class CopyTextPaths {
    private static final int CHUNK = 64 * 1024;

    private final List<TypedColumn> typed = new ArrayList<>();
    private long sent;

    /** @param columns the dataset's typed columns, name to Kusto type */
    public CopyTextPaths(Map<String, String> columns) {
        columns.forEach((name, type) -> typed.add(TypedColumn.of(name, type)));
    }

    /** Bytes handed on so far (kept so that no path's work can be dropped as unused). */
    public long sent() {
        return sent;
    }

    /** One {@code COPY}'s text of these events (as {@link SinkRecord}'s arguments), the current way. */
    public void now(List<SinkRecord> records) {
        write(new CopyText(this::sent, CHUNK, typed), records);
    }

    /** The same rows in {@code COPY}'s binary format ({@link CopyBinary}). */
    public void binary(List<SinkRecord> records) {
        write(new CopyBinary(this::sent, CHUNK, typed), records);
    }

    private static void write(CopyBuffer rows, List<SinkRecord> records) {
        try {
            rows.writeAll(records);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Where the encoders' buffers go: counted, and a byte of each read. */
    private void sent(byte[] bytes, int length) {
        sent += length + bytes[length - 1];
    }

    /** The same text, the former way. */
    public void before(List<SinkRecord> records) {
        Former buf = new Former();
        for (SinkRecord r : records) {
            buf.ascii(Instant.ofEpochMilli(r.eventTimeMs()).toString()).put((byte) '\t');
            buf.escaped(r.key()).put((byte) '\t');
            buf.escaped(r.value()).put((byte) '\t');
            buf.ascii(Integer.toString(r.partition())).put((byte) '\t');
            buf.ascii(Long.toString(r.position()));
            if (!typed.isEmpty()) {
                JsonNode event = parse(r.value());
                for (TypedColumn c : typed) {
                    String v = c.text(event.get(c.name()));
                    buf.put((byte) '\t');
                    if (v == null) {
                        buf.put((byte) '\\').put((byte) 'N');
                    } else {
                        buf.escaped(v.getBytes(StandardCharsets.UTF_8));
                    }
                }
            }
            buf.put((byte) '\n');
        }
        buf.flush();
    }

    private static JsonNode parse(byte[] event) {
        try {
            JsonNode n = Json.readTree(event);
            return n == null ? MissingNode.getInstance() : n;
        } catch (IOException e) {
            return MissingNode.getInstance();
        }
    }

    /** The former buffer: a call per byte. */
    private final class Former {
        private final byte[] buf = new byte[CHUNK];
        private int size;

        Former put(byte b) {
            if (size == buf.length) {
                flush();
            }
            buf[size++] = b;
            return this;
        }

        Former ascii(String s) {
            for (int i = 0; i < s.length(); i++) {
                put((byte) s.charAt(i));
            }
            return this;
        }

        Former escaped(byte[] bytes) {
            for (byte b : bytes) {
                switch (b) {
                    case '\\' -> put((byte) '\\').put((byte) '\\');
                    case '\t' -> put((byte) '\\').put((byte) 't');
                    case '\n' -> put((byte) '\\').put((byte) 'n');
                    case '\r' -> put((byte) '\\').put((byte) 'r');
                    default -> put(b);
                }
            }
            return this;
        }

        void flush() {
            if (size > 0) {
                sent += size + buf[size - 1];
                size = 0;
            }
        }
    }
}
