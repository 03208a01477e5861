package io.ingestline.rules;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.ingestline.model.EventEnvelope;
import io.ingestline.model.EventEnvelopeSerde;
import io.ingestline.model.EventTime;
import io.ingestline.model.Json;
import java.io.IOException;
import java.time.Instant;
import java.util.Set;

/**
 * The events of a dataset without a rule ({@link CompiledTarget#passThrough()}) in one streaming pass: the event's
 * JSON tokens are checked and copied straight into its envelope's value, without the tree that {@link
 * CompiledTarget#apply} and {@link EventEnvelopeSerde#value} go through; when the text is already in the form that
 * copy writes, its fields' bytes are copied as they came ({@link EventBytes}), else its tokens ({@link EventTokens}).
 * Its result is the tree path's, byte for byte: the same value ({@code _time} formatted by {@link EventTime#format}
 * first, then {@code _id}, then the event's fields in order, its own {@code _time} and {@code _id} left out; numbers
 * written from the values Jackson's tree holds for them, {@link Json#mapper()} reading floats as
 * {@code BigDecimal}), the same time, the same {@link Outcome.Failed} for an event that fails the checks.
 *
 * <p>What it cannot give as the tree path would, it leaves to the tree path ({@link TreePath}): text that is not
 * one JSON object (the tree path's parse error is the message to keep), a name given twice in one object at any depth
 * (Jackson's tree keeps the last value at the first one's place, its count of fields counts it once; within a
 * {@code _time}, which is read as a tree, it changes nothing: such a {@code _time} is no time either way), a value
 * over the write limit, and anything else that throws. These are rare, so the tree path's second parse costs little
 * overall.
 */
public final class PassThrough {
    /** What one event became (here or in {@link RulePass}). */
    public sealed interface Result permits Written, Refused, Dropped, TreePath {
    }

    /**
     * The envelope's value, as {@link EventEnvelopeSerde#value} writes it.
     *
     * @param time the event's {@code _time}, or the receive time when it has none
     */
    public record Written(byte[] value, Instant time) implements Result {
    }

    /**
     * The event failed the checks, or its rule's transformation: the outcome {@link CompiledTarget#apply} gives it.
     */
    public record Refused(Outcome.Failed failure) implements Result {
    }

    /** Its rule's transformation filtered the event out ({@link RulePass} only): {@link Outcome.Dropped}. */
    public record Dropped(String dataset) implements Result {
    }

    /** Not decided here: the event takes the tree path, which gives its outcome (a parse error among them). */
    public enum TreePath implements Result {
        INSTANCE
    }

    private final String dataset;
    private final EventChecks.Limits limits;

    /** The top-level names' roles (no declared columns). */
    private final FieldNames names = new FieldNames(Set.of());

    PassThrough(String dataset, EventChecks.Limits limits) {
        this.dataset = dataset;
        this.limits = limits;
    }

    /** The dataset the events go to. */
    public String dataset() {
        return dataset;
    }

    /**
     * One event (the JSON text in {@code buf}) checked and written as its envelope's value. Never throws.
     *
     * @param id         the event's id, written as {@code _id}
     * @param receivedAt its time when it has no {@code _time} (or a null one)
     * @param maxBytes   the most bytes the value may have: a longer one is left to the tree path (whose
     *                   {@link EventEnvelopeSerde#value(EventEnvelope, int)} gives null for it)
     */
    public Result write(byte[] buf, int off, int len, String id, Instant receivedAt, int maxBytes) {
        try {
            EventTokens.Output out = EventTokens.Output.take(Math.min(len + 64, maxBytes), maxBytes);
            EventTokens.Bounded body = out.body;
            EventTokens event = new EventTokens(names, false);
            if (EventBytes.get().read(event, names, false, buf, off, len, body)) {
                body.write('}');
            } else {
                // not in the form the bytes route takes: the tokens decide
                event = new EventTokens(names, false);
                body.count = 0;
                body.full = false;
                try (JsonParser p = EventTokens.FACTORY.createParser(buf, off, len)) {
                    if (p.nextToken() != JsonToken.START_OBJECT) {
                        return TreePath.INSTANCE;
                    }
                    out.g.writeStartObject();
                    if (!event.read(p, out.g, body)) {
                        return TreePath.INSTANCE; // trailing tokens: the tree path's error message
                    }
                    out.g.writeEndObject();
                    out.g.flush();
                }
            }
            String problem = event.problem(len, limits);
            if (problem != null) {
                return new Refused(new Outcome.Failed(Outcome.STAGE_VALIDATE, null, problem));
            }
            Instant at;
            try {
                at = EventChecks.time(event.time, EventEnvelope.TIME);
            } catch (IllegalArgumentException e) {
                return new Refused(new Outcome.Failed(Outcome.STAGE_VALIDATE, dataset, e.getMessage()));
            }
            if (at == null) {
                at = receivedAt;
            }
            byte[] value = body.full || !EventTokens.plainId(id) ? null : envelope(EventTime.format(at), id, body);
            if (value == null || value.length > maxBytes) {
                return TreePath.INSTANCE;
            }
            out.done(); // its bytes are copied into the value: the output serves the thread's next event
            return new Written(value, at);
        } catch (IOException | RuntimeException e) {
            return TreePath.INSTANCE;
        }
    }

    /** {@code {"_time":"<time>","_id":"<id>"}} followed by the fields in {@code body} (written as {@code {...}}). */
    private static byte[] envelope(String time, String id, EventTokens.Bounded body) {
        boolean empty = body.count == 2;
        byte[] out = new byte[EventTokens.headLength(time, id) + (empty ? 1 : body.count)];
        int at = EventTokens.head(out, time, id);
        if (empty) {
            out[at] = '}';
        } else {
            out[at++] = ',';
            System.arraycopy(body.buf, 1, out, at, body.count - 1);
        }
        return out;
    }
}
