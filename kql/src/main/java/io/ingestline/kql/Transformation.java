package io.ingestline.kql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ingestline.kql.eval.Budget;
import io.ingestline.kql.eval.KType;
import io.ingestline.kql.eval.KqlRuntimeException;
import io.ingestline.kql.eval.Pipeline;
import io.ingestline.kql.eval.Schema;
import io.ingestline.kql.eval.Values;
import io.ingestline.kql.syntax.Parser;
import io.ingestline.model.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A data collection rule's {@code transformKql}, compiled once against its input stream's columns, then run per
 * event: one event in, zero or one event out. {@link #apply} never throws: an event the rule cannot process comes
 * back as {@link Failed} with the reason, or {@link OverBudget} when it ran out of time, for the dead letters.
 *
 * <p>Input: each declared column is read from the event's field of the same name and converted to its type (a field
 * that does not convert is null; undeclared fields are not seen, as in Azure). Output: the result's columns in order,
 * as JSON ({@link Values} documents the mapping); null values are left out. An event whose output the project's
 * JSON would not read (a string over {@link Json#MAX_STRING_LENGTH} characters, nesting deeper than
 * {@link Json#MAX_NESTING_DEPTH}) fails.
 *
 * <p>Depth: each expression is at most 400 levels deep (the parser's limit), so that compiling and computing it
 * stay within a thread's stack; lets that read one another and calls, compiled in place, add up their depths. A rule
 * too deep for the stack is a compile error, or when only computing it overflows, a {@link Failed} event.
 */
public final class Transformation {
    private final Pipeline pipeline;
    /** The input and output columns as arrays: read per event, so kept out of the lists. */
    private final String[] inNames;
    private final KType[] inTypes;
    private final String[] outNames;

    private Transformation(Schema input, Pipeline pipeline) {
        this.pipeline = pipeline;
        this.inNames = input.names().toArray(new String[0]);
        this.inTypes = new KType[input.size()];
        for (int i = 0; i < inTypes.length; i++) {
            inTypes[i] = input.type(i);
        }
        this.outNames = pipeline.output().names().toArray(new String[0]);
    }

    /**
     * @param columns the input stream's columns, name to Kusto type name ({@code string}, {@code int}, {@code long},
     *                {@code real}, {@code boolean}, {@code datetime}, {@code dynamic}, ...), in order
     * @throws KqlCompileException naming what is wrong and where
     */
    public static Transformation compile(String kql, Map<String, String> columns) {
        List<String> names = new ArrayList<>();
        List<KType> types = new ArrayList<>();
        columns.forEach((name, type) -> {
            KType t = KType.named(type);
            if (t == null) {
                throw new KqlCompileException("column " + name + " has unknown type " + type, 1, 1, "");
            }
            names.add(name);
            types.add(t);
        });
        Schema schema = new Schema(names, types);
        try {
            return new Transformation(schema, Pipeline.compile(Parser.parse(kql), schema));
        } catch (StackOverflowError e) {
            // each expression is at most 400 levels deep, but a call compiles its function's body in place
            throw new KqlCompileException("the rule is too deep to compile: user-defined functions call each other "
                    + "under expressions too deep (inline less, or make the bodies shallower)", 1, 1, "");
        }
    }

    /** The columns of the events this rule produces. */
    public Schema output() {
        return pipeline.output();
    }

    /**
     * Whether its rows come from {@code print} rather than the event: then it reads none of the event's columns
     * (else it reads only those, by name).
     */
    public boolean printSource() {
        return pipeline.printSource();
    }

    /** The result of one event. */
    public sealed interface Result {
    }

    /** The event the rule produced. */
    public record Row(ObjectNode event) implements Result {
    }

    /** The rule filtered the event out ({@code where}). */
    public record Dropped() implements Result {
    }

    /** The rule could not process the event. */
    public record Failed(String reason) implements Result {
    }

    /**
     * The time budget ran out before the rule was done with the event ({@link #apply(JsonNode, Budget)}).
     *
     * @param batch whether it was the batch's budget (else the event's)
     */
    public record OverBudget(boolean batch) implements Result {
    }

    private static final Dropped DROPPED = new Dropped();

    /** One event, with no time budget (a test, a benchmark). */
    public Result apply(JsonNode event) {
        return apply(event, null);
    }

    /**
     * One event within {@code budget} (null: none), checked before each of the pipeline's steps and every few
     * characters a regular expression reads: the rule overruns it by at most the work between two checks (a step's
     * work without regular expressions is linear in the event's size).
     */
    public Result apply(JsonNode event, Budget budget) {
        try {
            Object[] row = new Object[inNames.length];
            if (!pipeline.printSource()) {
                for (int i = 0; i < row.length; i++) {
                    row[i] = Values.input(event == null ? null : event.get(inNames[i]), inTypes[i]);
                }
            }
            Object[] out = budget == null ? pipeline.run(row) : pipeline.run(row, budget);
            if (out == null) {
                return DROPPED;
            }
            // sized for all columns at once: no rehashing while it fills
            ObjectNode result = new ObjectNode(JsonNodeFactory.instance, new LinkedHashMap<>(out.length * 4 / 3 + 1));
            for (int i = 0; i < out.length; i++) {
                JsonNode value = out[i] == null ? null : Values.output(out[i]);
                String problem = value == null ? null : Values.outputProblem(out[i], value);
                if (problem != null) {
                    return new Failed("column " + outNames[i] + " " + problem);
                }
                if (value != null && !value.isNull()) {
                    result.set(outNames[i], value);
                }
            }
            return new Row(result);
        } catch (Budget.OverBudget e) {
            return new OverBudget(e.batch());
        } catch (KqlRuntimeException e) {
            return new Failed(e.getMessage());
        } catch (RuntimeException e) {
            return new Failed("the transformation failed: " + e);
        } catch (StackOverflowError e) {
            // each expression is at most 400 levels deep, but a let is computed where it is read
            return new Failed("the rule is too deep to compute: lets or functions read one another under expressions "
                    + "too deep for the thread's stack");
        }
    }
}
