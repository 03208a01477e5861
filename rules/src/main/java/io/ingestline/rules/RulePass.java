package io.ingestline.rules;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ingestline.kql.Transformation;
import io.ingestline.kql.eval.Budget;
import io.ingestline.kql.eval.KType;
import io.ingestline.kql.eval.Schema;
import io.ingestline.model.EventEnvelope;
import io.ingestline.model.EventEnvelopeSerde;
import io.ingestline.model.EventTime;
import java.io.IOException;
import java.time.Instant;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * The events of a dataset whose own rule transforms them ({@link CompiledTarget#rulePass()}) in one streaming pass,
 * with a tree of the declared columns only: the event's tokens are read once, its names checked and counted as
 * {@link PassThrough} does, each declared column's value read as a small tree (the tree path's node for it), every
 * other field's tokens copied to a buffer noting where each field lies (or its bytes as they came, when they are
 * already in the form that copy writes: {@link EventBytes}). Then the declared columns are checked
 * ({@link EventChecks#columns}) and the transformation runs on the small object of them (it reads nothing else of
 * the event), and the value is put together: {@code _time} and {@code _id}, the copied fields whose names the row
 * does not have, in event order, then the row's columns less a declared string column the event lacked. Its result is
 * the tree path's ({@link CompiledTarget#apply}, then {@link EventEnvelopeSerde#value}) byte for byte, with the same
 * time, the same {@link Outcome.Failed} (checks, transformation, time budget, time) and {@link Outcome.Dropped}.
 *
 * <p>It applies to a dataset's rule whose transformation reads its rows from the event (not {@code print}), none of
 * whose declared or output columns is {@code _time} or {@code _id} (decided when the rule compiles). What it cannot
 * give as the tree path would it leaves to the tree path ({@link PassThrough.TreePath}), as {@link PassThrough} does:
 * a parse error, a name given twice outside the declared columns, copied fields over the write limit (before the
 * transformation runs), and a value over it or one that does not write (after: the tree path then runs the
 * transformation again, which is rare enough to cost little).
 */
public final class RulePass {
    private final String dataset;
    private final Transformation transform;
    private final String[] columnNames;
    private final KType[] columnTypes;
    private final Set<String> declared;
    private final FieldNames names;
    private final EventChecks.Limits limits;

    RulePass(String dataset, Transformation transform, String[] columnNames, KType[] columnTypes,
            Set<String> declared, EventChecks.Limits limits) {
        this.dataset = dataset;
        this.transform = transform;
        this.columnNames = columnNames;
        this.columnTypes = columnTypes;
        this.declared = declared;
        Set<String> outputs = new HashSet<>();
        for (int i = 0; i < transform.output().size(); i++) {
            outputs.add(transform.output().name(i));
        }
        this.names = new FieldNames(declared, outputs);
        this.limits = limits;
    }

    /**
     * Whether a dataset's rule with these declared columns and transformation can take this path: the transformation
     * reads the declared columns only, and no declared or output column is the envelope's {@code _time} or
     * {@code _id} (the event's own are then undeclared fields, left out of the value).
     */
    static boolean applies(Transformation transform, Set<String> declared) {
        if (transform.printSource() || declared.contains(EventEnvelope.TIME) || declared.contains(EventEnvelope.ID)) {
            return false;
        }
        Schema out = transform.output();
        for (int i = 0; i < out.size(); i++) {
            if (out.name(i).equals(EventEnvelope.TIME) || out.name(i).equals(EventEnvelope.ID)) {
                return false;
            }
        }
        return true;
    }

    /** The dataset the events go to. */
    public String dataset() {
        return dataset;
    }

    /**
     * One event (the JSON text in {@code buf}) checked, transformed and written as its envelope's value: {@link
     * PassThrough.Written}, {@link PassThrough.Refused} (the checks, the transformation or the time failed),
     * {@link PassThrough.Dropped}, or {@link PassThrough.TreePath}. Never throws.
     *
     * @param id         the event's id, written as {@code _id}
     * @param receivedAt its time when it has no {@code _time} (or a null one)
     * @param maxBytes   the most bytes the value may have: a longer one is left to the tree path
     * @param budget     its batch's rule budget ({@link RuleBudget#start()}, on this thread)
     */
    public PassThrough.Result write(byte[] buf, int off, int len, String id, Instant receivedAt, int maxBytes,
            Budget budget) {
        if (!EventTokens.plainId(id)) {
            return PassThrough.TreePath.INSTANCE;
        }
        // the copied fields, then the row's columns: each at most maxBytes in a value that passes
        int max = (int) Math.min(Integer.MAX_VALUE - 16, 2L * maxBytes);
        try {
            EventTokens.Output out = EventTokens.Output.take(Math.min(len + 64, max), max);
            PassThrough.Result result = write(new EventTokens(names, true), out.g, out.body, buf, off, len, id,
                    receivedAt, maxBytes, budget);
            if (result instanceof PassThrough.Written) {
                out.done(); // its bytes are copied into the value: the output serves the thread's next event
            }
            return result;
        } catch (IOException | RuntimeException e) {
            return PassThrough.TreePath.INSTANCE;
        }
    }

    private PassThrough.Result write(EventTokens event, JsonGenerator g, EventTokens.Bounded body, byte[] buf,
            int off, int len, String id, Instant receivedAt, int maxBytes, Budget budget) throws IOException {
        boolean bytes = EventBytes.get().read(event, names, true, buf, off, len, body);
        if (!bytes) {
            // not in the form the bytes route takes: the tokens decide
            event = new EventTokens(names, true);
            body.count = 0;
            body.full = false;
            try (JsonParser p = EventTokens.FACTORY.createParser(buf, off, len)) {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    return PassThrough.TreePath.INSTANCE;
                }
                g.writeStartObject();
                if (!event.read(p, g, body)) {
                    return PassThrough.TreePath.INSTANCE; // trailing tokens: the tree path's error message
                }
            }
        }
        String problem = checks(event, len);
        if (problem != null) {
            return new PassThrough.Refused(new Outcome.Failed(Outcome.STAGE_VALIDATE, null, problem));
        }
        int columns; // where the row's columns will be written
        if (bytes) {
            if (body.full || body.count > maxBytes) {
                return PassThrough.TreePath.INSTANCE; // as below
            }
            g.writeStartObject(); // the generator writes the row's columns as an object of their own after the fields
            columns = body.count + 1;
        } else {
            columns = EventTokens.position(g, body);
            if (columns > maxBytes) {
                return PassThrough.TreePath.INSTANCE; // before the transformation runs: the tree path runs it once
            }
        }
        budget.nextEvent();
        Transformation.Result result = transform.apply(event.columns, budget);
        Outcome noRow = CompiledTarget.noRow(dataset, result, limits.ruleBudget());
        if (noRow instanceof Outcome.Dropped) {
            return new PassThrough.Dropped(dataset);
        } else if (noRow != null) {
            return new PassThrough.Refused((Outcome.Failed) noRow);
        }
        Instant at;
        try {
            at = EventChecks.time(event.time, EventEnvelope.TIME);
        } catch (IllegalArgumentException e) {
            return new PassThrough.Refused(new Outcome.Failed(Outcome.STAGE_VALIDATE, dataset, e.getMessage()));
        }
        if (at == null) {
            at = receivedAt;
        }
        ObjectNode row = ((Transformation.Row) result).event();
        for (Iterator<Map.Entry<String, JsonNode>> it = row.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> f = it.next();
            if (!CompiledTarget.absentString(f.getKey(), f.getValue(), declared, event.columns)) {
                g.writeFieldName(f.getKey());
                EventEnvelopeSerde.writeNode(g, f.getValue());
            }
        }
        g.writeEndObject();
        g.flush();
        byte[] value = body.full ? null : envelope(EventTime.format(at), id, event, body, row, columns, maxBytes);
        return value == null ? PassThrough.TreePath.INSTANCE : new PassThrough.Written(value, at);
    }

    /** {@link CompiledTarget#apply}'s checks, in its order: null when the event passes them. */
    private String checks(EventTokens event, int len) {
        String problem = event.problem(len, limits);
        if (problem == null) {
            problem = EventChecks.columns(event.columns, columnNames, columnTypes);
        }
        return problem;
    }

    /**
     * {@code {"_time":"<time>","_id":"<id>"}}, the copied fields the row does not replace, then the row's columns
     * (written after them, from {@code columns} to the closing brace); null when that is over {@code maxBytes}.
     */
    private static byte[] envelope(String time, String id, EventTokens event, EventTokens.Bounded body,
            ObjectNode row, int columns, int maxBytes) {
        int from = columns < body.count - 1 && body.buf[columns] == ',' ? columns + 1 : columns;
        int columnBytes = body.count - 1 - from;
        long size = EventTokens.headLength(time, id) + 1L + (columnBytes > 0 ? 1 + columnBytes : 0);
        for (int i = 0; i < event.copied; i++) {
            if (!replaced(event, row, i)) {
                size += 1 + event.ends[i] - start(event, body, i);
            }
        }
        if (size > maxBytes) {
            return null;
        }
        byte[] out = new byte[(int) size];
        int at = EventTokens.head(out, time, id);
        for (int i = 0; i < event.copied; i++) {
            if (!replaced(event, row, i)) {
                int start = start(event, body, i);
                out[at++] = ',';
                System.arraycopy(body.buf, start, out, at, event.ends[i] - start);
                at += event.ends[i] - start;
            }
        }
        if (columnBytes > 0) {
            out[at++] = ',';
            System.arraycopy(body.buf, from, out, at, columnBytes);
            at += columnBytes;
        }
        out[at] = '}';
        return out;
    }

    /** Whether the row has a column named as the copied field {@code i} (only output columns can be). */
    private static boolean replaced(EventTokens event, ObjectNode row, int i) {
        return event.outputs[i] && row.has(event.names[i]);
    }

    /** Where the copied field {@code i} begins: past the comma the generator wrote before its name. */
    private static int start(EventTokens event, EventTokens.Bounded body, int i) {
        int start = event.starts[i];
        return body.buf[start] == ',' ? start + 1 : start;
    }
}
