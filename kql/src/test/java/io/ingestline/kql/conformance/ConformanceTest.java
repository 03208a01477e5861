package io.ingestline.kql.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ingestline.kql.KqlCompileException;
import io.ingestline.kql.Transformation;
import io.ingestline.kql.Transformation.Dropped;
import io.ingestline.kql.Transformation.Failed;
import io.ingestline.kql.Transformation.Result;
import io.ingestline.kql.Transformation.Row;
import io.ingestline.kql.eval.Schema;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Kusto conformance: the cases in {@code conformance/<area>/<page>.cases} (test resources), written from Microsoft's
 * Kusto reference, one file per reference page; the format is in {@link CaseFile}. Each case compiles a query against
 * its input columns, runs it on its event and checks the output schema (names and types, in order), the row (each
 * value compared as its column's type), a dropped row, a compile error (its text and position) or a runtime failure.
 */
class ConformanceTest {
    static final Path ROOT = root();

    @TestFactory
    Stream<DynamicNode> every_case_of_every_page() {
        return CaseFile.all(ROOT).stream().map(file -> DynamicContainer.dynamicContainer(file.name(),
                file.path().toUri(), file.cases().stream().map(c -> DynamicTest.dynamicTest(file.name() + ": " + c.name(),
                        file.path().toUri(), () -> run(c)))));
    }

    /** Every function Azure Monitor allows in transformations is called by at least one case. */
    @Test
    void every_function_azure_allows_in_transformations_has_cases() {
        List<String> queries = new ArrayList<>();
        for (CaseFile f : CaseFile.all(ROOT)) {
            f.cases().forEach(c -> queries.add(c.query()));
        }
        List<String> missing = new ArrayList<>();
        for (String function : AzureList.FUNCTIONS) {
            Pattern call = Pattern.compile("(?<![\\w.])" + Pattern.quote(function) + "\\s*\\(");
            if (queries.stream().noneMatch(q -> call.matcher(q).find())) {
                missing.add(function);
            }
        }
        assertThat(missing).as("functions no case calls").isEmpty();
    }

    /** The cases per area, as the module README states them (it must be kept true). */
    @Test
    void the_readme_states_the_cases_per_area() throws IOException {
        Map<String, Integer> counts = new TreeMap<>();
        for (CaseFile f : CaseFile.all(ROOT)) {
            counts.merge(f.area(), f.cases().size(), Integer::sum);
        }
        int total = counts.values().stream().mapToInt(Integer::intValue).sum();
        System.out.println("kql conformance cases: " + total + " " + counts);
        String readme = Files.readString(moduleDir().resolve("README.md"));
        List<String> wrong = new ArrayList<>();
        counts.forEach((area, n) -> {
            if (!readme.contains("| " + area + " | " + n + " |")) {
                wrong.add("| " + area + " | " + n + " |");
            }
        });
        if (!readme.contains("| total | " + total + " |")) {
            wrong.add("| total | " + total + " |");
        }
        assertThat(wrong).as("rows the README's conformance table lacks").isEmpty();
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    static void run(Case c) throws Exception {
        Transformation t;
        try {
            t = Transformation.compile(c.query(), c.columns());
        } catch (KqlCompileException e) {
            if (c.error() == null) {
                fail("compile error: " + e.getMessage());
            }
            assertThat(e.getMessage()).as("compile error").containsIgnoringCase(c.error());
            if (c.errorAt() != null) {
                assertThat(e.line() + ":" + e.column()).as("error position of " + e.getMessage())
                        .isEqualTo(c.errorAt());
            }
            return;
        }
        if (c.error() != null) {
            fail("compiled, but expected the error: " + c.error());
        }
        Schema out = t.output();
        if (c.out() != null) {
            assertThat(schemaText(out)).as("output columns").isEqualTo(c.out());
        }
        Result r = t.apply(c.event() == null ? JSON.createObjectNode() : JSON.readTree(c.event()));
        if (c.failed() != null) {
            assertThat(r).isInstanceOf(Failed.class);
            assertThat(((Failed) r).reason()).containsIgnoringCase(c.failed());
            return;
        }
        if (c.dropped()) {
            assertThat(r).isInstanceOf(Dropped.class);
            return;
        }
        assertThat(r).as("result").isInstanceOf(Row.class);
        if (c.row() != null) {
            assertRow(((Row) r).event(), (ObjectNode) JSON.readTree(c.row()), out);
        }
    }

    static String schemaText(Schema s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(s.name(i)).append(':').append(s.type(i).kustoName());
        }
        return b.toString();
    }

    /**
     * The row holds what is expected: each column compared as its type (instants, durations, reals within 1e-9 of
     * their size, JSON by value); a column expected null (or left out) must be left out, as null values are.
     */
    private static void assertRow(ObjectNode actual, ObjectNode expected, Schema out) {
        for (int i = 0; i < out.size(); i++) {
            String name = out.name(i);
            JsonNode a = actual.get(name);
            JsonNode e = expected.get(name);
            String type = out.type(i).kustoName();
            if (e == null || e.isNull()) {
                assertThat(a).as(name + " (expected null, so left out)").isNull();
                continue;
            }
            assertThat(a).as(name + " (expected " + e + ")").isNotNull();
            assertThat(same(a, e, type)).as(name + ": " + a + " (" + type + "), expected " + e).isTrue();
        }
        Iterator<String> names = expected.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            assertThat(out.indexOf(name)).as("expected column " + name + " in " + schemaText(out))
                    .isGreaterThanOrEqualTo(0);
        }
    }

    static boolean same(JsonNode a, JsonNode e, String type) {
        switch (type) {
            case "real":
                if (e.isTextual() || a.isTextual()) {
                    return a.asText().equals(e.asText()); // NaN, Infinity
                }
                double x = a.doubleValue();
                double y = e.doubleValue();
                return x == y || Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(y));
            case "datetime":
                return instant(a.asText()).equals(instant(e.asText()));
            case "timespan":
                return duration(a.asText()).equals(duration(e.asText()));
            case "int", "long":
                return a.isIntegralNumber() && e.isIntegralNumber() && a.bigIntegerValue().equals(e.bigIntegerValue());
            case "dynamic":
                return jsonEquals(a, e);
            default:
                return a.equals(e);
        }
    }

    /** JSON values equal, numbers by value (1 and 1.0 are the same). */
    private static boolean jsonEquals(JsonNode a, JsonNode e) {
        if (a.isNumber() && e.isNumber()) {
            return a.decimalValue().compareTo(e.decimalValue()) == 0;
        }
        if (a.isObject() && e.isObject()) {
            if (a.size() != e.size()) {
                return false;
            }
            Iterator<String> names = e.fieldNames();
            while (names.hasNext()) {
                String n = names.next();
                if (!a.has(n) || !jsonEquals(a.get(n), e.get(n))) {
                    return false;
                }
            }
            return true;
        }
        if (a.isArray() && e.isArray()) {
            if (a.size() != e.size()) {
                return false;
            }
            for (int i = 0; i < a.size(); i++) {
                if (!jsonEquals(a.get(i), e.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(e);
    }

    /** An instant as the reference pages write it: {@code 2017-01-01T00:00:00Z}, {@code 2017-01-01 00:00:00.0000000}. */
    static Instant instant(String text) {
        String t = text.trim().replace(' ', 'T');
        if (!t.endsWith("Z")) {
            t = t + "Z";
        }
        if (t.length() == 11) {
            t = t.substring(0, 10) + "T00:00:00Z";
        }
        return Instant.parse(t);
    }

    private static final Pattern TIMESPAN =
            Pattern.compile("(-)?(?:(\\d+)\\.)?(\\d{1,2}):(\\d{2}):(\\d{2})(?:\\.(\\d{1,7}))?");

    /** A timespan as the reference pages write it: {@code [-][d.]hh:mm:ss[.fffffff]}. */
    static Duration duration(String text) {
        Matcher m = TIMESPAN.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a timespan: " + text);
        }
        Duration d = Duration.ofDays(m.group(2) == null ? 0 : Long.parseLong(m.group(2)))
                .plusHours(Long.parseLong(m.group(3))).plusMinutes(Long.parseLong(m.group(4)))
                .plusSeconds(Long.parseLong(m.group(5)));
        if (m.group(6) != null) {
            d = d.plusNanos(Long.parseLong((m.group(6) + "000000000").substring(0, 9)));
        }
        return m.group(1) == null ? d : d.negated();
    }

    private static Path root() {
        try {
            return Path.of(ConformanceTest.class.getResource("/io/ingestline/kql/conformance").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The module's directory (tests run there; from the reactor root, under kql/). */
    private static Path moduleDir() {
        Path here = Path.of("").toAbsolutePath();
        return Files.exists(here.resolve("src/test/resources/io/ingestline/kql")) ? here : here.resolve("kql");
    }
}
