package io.ingestline.sink.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.ingestline.model.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * The {@code COPY} text as the PostgreSQL backend wrote it before {@link CopyText}: each event parsed into a whole
 * tree for its typed columns, each byte escaped one at a time, the time through {@link Instant#toString()}. The
 * reference {@link CopyText} must equal byte for byte.
 */
final class CopyTextReference {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final List<TypedColumn> typed;

    CopyTextReference(List<TypedColumn> typed) {
        this.typed = typed;
    }

    static JsonNode parse(byte[] event) {
        try {
            JsonNode n = Json.readTree(event);
            return n == null ? MissingNode.getInstance() : n;
        } catch (IOException e) {
            return MissingNode.getInstance();
        }
    }

    /** A column's text from the event's whole tree. */
    static String text(TypedColumn c, JsonNode event) {
        return c.text(event.get(c.name()));
    }

    void row(SinkRecord r) {
        ascii(Instant.ofEpochMilli(r.eventTimeMs()).toString());
        out.write('\t');
        escaped(r.key());
        out.write('\t');
        escaped(r.value());
        out.write('\t');
        ascii(Integer.toString(r.partition()));
        out.write('\t');
        ascii(Long.toString(r.position()));
        if (!typed.isEmpty()) {
            JsonNode event = parse(r.value());
            for (TypedColumn c : typed) {
                String v = text(c, event);
                out.write('\t');
                if (v == null) {
                    out.write('\\');
                    out.write('N');
                } else {
                    escaped(v.getBytes(StandardCharsets.UTF_8));
                }
            }
        }
        out.write('\n');
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    private void ascii(String s) {
        for (int i = 0; i < s.length(); i++) {
            out.write((byte) s.charAt(i));
        }
    }

    private void escaped(byte[] bytes) {
        for (byte b : bytes) {
            switch (b) {
                case '\\' -> {
                    out.write('\\');
                    out.write('\\');
                }
                case '\t' -> {
                    out.write('\\');
                    out.write('t');
                }
                case '\n' -> {
                    out.write('\\');
                    out.write('n');
                }
                case '\r' -> {
                    out.write('\\');
                    out.write('r');
                }
                default -> out.write(b);
            }
        }
    }
}
