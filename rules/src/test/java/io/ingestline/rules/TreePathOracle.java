package io.ingestline.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ingestline.model.Dialect;
import io.ingestline.model.EventEnvelope;
import io.ingestline.model.EventEnvelopeSerde;
import io.ingestline.model.EventOrigin;
import io.ingestline.model.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * The tree path as the validator's {@code BatchSplitter} takes it for a dataset's events ({@code readTree},
 * {@link CompiledTarget#apply}, {@link EventEnvelopeSerde#value(EventEnvelope, int)}), and the check that
 * {@link PassThrough} (a dataset without a rule) or {@link RulePass} (one with a rule) gives the same: the same value
 * and time, the same failure or drop, or {@link PassThrough.TreePath} where the tree path gives a parse error, a value
 * over the limit or throws. They may also defer on a duplicate name (Jackson's own duplicate detection tells), and
 * {@link RulePass} where the event's fields alone, written back, are over the limit.
 */
final class TreePathOracle {
    static final String DATASET = "web";
    static final String ID = "b7f3c2a9d1e04f6a-12";
    static final Instant RECEIVED = Instant.parse("2026-12-05T02:00:00.123Z");
    private static final ObjectReader STRICT = Json.mapper().reader()
            .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final EventOrigin ORIGIN = new EventOrigin(Dialect.AXIOM, "token-1", null);

    /** What the tree path made of one event. */
    sealed interface Tree {
    }

    /** A parse error (the tree path's dead letter at stage parse); or a line that is not an object. */
    record ParseError(String message) implements Tree {
    }

    /** The envelope's value could not be written: the tree path throws out of the validator. */
    record Threw(String error) implements Tree {
    }

    record Value(byte[] value, Instant time) implements Tree {
    }

    /** The value is over the write limit ({@code EventEnvelopeSerde.value} gave null). */
    record TooLarge() implements Tree {
    }

    record Failed(Outcome.Failed failure) implements Tree {
    }

    /** The rule's transformation filtered the event out. */
    record Dropped(String dataset) implements Tree {
    }

    private TreePathOracle() {
    }

    static Tree tree(CompiledTarget target, byte[] buf, int off, int len, int maxBytes) {
        ObjectNode event;
        try {
            JsonNode node = Json.mapper().readTree(buf, off, len);
            if (!(node instanceof ObjectNode object)) {
                return new ParseError("event is not a JSON object");
            }
            event = object;
        } catch (IOException | IllegalArgumentException e) {
            return new ParseError(e.getMessage());
        }
        List<Outcome> outcomes = target.apply(event, len);
        assertThat(outcomes).hasSize(1);
        if (outcomes.get(0) instanceof Outcome.Failed f) {
            return new Failed(f);
        }
        if (outcomes.get(0) instanceof Outcome.Dropped d) {
            return new Dropped(d.dataset());
        }
        Outcome.Output out = (Outcome.Output) outcomes.get(0);
        Instant time = out.time() == null ? RECEIVED : out.time();
        try {
            byte[] value = EventEnvelopeSerde.value(
                    new EventEnvelope(ID, out.dataset(), time, out.event(), ORIGIN), maxBytes);
            return value == null ? new TooLarge() : new Value(value, time);
        } catch (RuntimeException e) {
            return new Threw(e.toString());
        }
    }

    /**
     * Runs the tree path and {@link PassThrough} on the event and asserts they agree; returns the tree path's result,
     * or null when the fast path deferred to it (allowed only where the event holds a duplicate name or the tree path
     * cannot give a value).
     */
    static Tree check(CompiledTarget target, byte[] buf, int off, int len, int maxBytes) {
        Tree tree = tree(target, buf, off, len, maxBytes);
        PassThrough.Result fast = target.passThrough().write(buf, off, len, ID, RECEIVED, maxBytes);
        return agree(tree, fast, buf, off, len, false);
    }

    /**
     * {@link #check} for {@link RulePass}, which may also defer when the event's fields, written back whole, are over
     * {@code maxBytes}.
     */
    static Tree checkRule(CompiledTarget target, byte[] buf, int off, int len, int maxBytes) {
        Tree tree = tree(target, buf, off, len, maxBytes);
        PassThrough.Result fast = target.rulePass().write(buf, off, len, ID, RECEIVED, maxBytes,
                RuleBudget.DEFAULT.start());
        return agree(tree, fast, buf, off, len, fast instanceof PassThrough.TreePath && wholeTooLarge(buf, off, len,
                maxBytes));
    }

    private static Tree agree(Tree tree, PassThrough.Result fast, byte[] buf, int off, int len, boolean mayDefer) {
        String event = new String(buf, off, len, StandardCharsets.UTF_8);
        if (fast instanceof PassThrough.TreePath) {
            if (!mayDefer && !hasDuplicates(buf, off, len)) {
                assertThat(tree).as("the fast path deferred on %s", event)
                        .isInstanceOfAny(ParseError.class, Threw.class, TooLarge.class);
            }
            return null;
        }
        if (tree instanceof Value v) {
            assertThat(fast).as("outcome of %s", event).isInstanceOf(PassThrough.Written.class);
            PassThrough.Written w = (PassThrough.Written) fast;
            assertThat(new String(w.value(), StandardCharsets.UTF_8)).as("value of %s", event)
                    .isEqualTo(new String(v.value(), StandardCharsets.UTF_8));
            assertThat(w.value()).as("bytes of %s", event).isEqualTo(v.value());
            assertThat(w.time()).as("time of %s", event).isEqualTo(v.time());
        } else if (tree instanceof Failed f) {
            assertThat(fast).as("outcome of %s", event).isEqualTo(new PassThrough.Refused(f.failure()));
        } else if (tree instanceof Dropped d) {
            assertThat(fast).as("outcome of %s", event).isEqualTo(new PassThrough.Dropped(d.dataset()));
        } else {
            throw new AssertionError("the tree path gives " + tree + " but the fast path " + fast + " for " + event);
        }
        return tree;
    }

    /** Whether the event, written back whole as an envelope's value, is over {@code maxBytes}. */
    private static boolean wholeTooLarge(byte[] buf, int off, int len, int maxBytes) {
        try {
            JsonNode node = Json.mapper().readTree(buf, off, len);
            return node instanceof ObjectNode o && EventEnvelopeSerde.value(
                    new EventEnvelope(ID, DATASET, RECEIVED, o, ORIGIN), maxBytes) == null;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static boolean hasDuplicates(byte[] buf, int off, int len) {
        try {
            STRICT.readTree(buf, off, len);
            return false;
        } catch (JsonParseException e) {
            return e.getOriginalMessage().startsWith("Duplicate field");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
