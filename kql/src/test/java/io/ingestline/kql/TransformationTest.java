package io.ingestline.kql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ingestline.kql.Transformation.Dropped;
import io.ingestline.kql.Transformation.Failed;
import io.ingestline.kql.Transformation.Result;
import io.ingestline.kql.Transformation.Row;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TransformationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The stream of Azure's tutorial DCR (seeds: azure-logs-ingestion-api.txt), plus a few typed columns. */
    private static final Map<String, String> STREAM = columns("Time", "datetime", "Computer", "string",
            "AdditionalContext", "string", "Level", "int", "Count", "long", "Ratio", "real", "Ok", "boolean",
            "Props", "dynamic");

    private static Map<String, String> columns(String... nameType) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < nameType.length; i += 2) {
            m.put(nameType[i], nameType[i + 1]);
        }
        return m;
    }

    private static Result run(String kql, String event) throws Exception {
        return Transformation.compile(kql, STREAM).apply(JSON.readTree(event));
    }

    private static JsonNode row(String kql, String event) throws Exception {
        Result r = run(kql, event);
        assertThat(r).as(kql).isInstanceOf(Row.class);
        return ((Row) r).event();
    }

    @Test
    void source_passes_the_declared_columns_converted_to_their_types_and_drops_the_rest() throws Exception {
        JsonNode out = row("source", "{\"Time\":\"2023-11-14 15:10:02\",\"Computer\":\"Computer01\",\"Level\":\"3\","
                + "\"Ratio\":1,\"Ok\":\"true\",\"Props\":{\"a\":[1,2]},\"Undeclared\":1}");
        assertThat(out.toString()).isEqualTo("{\"Time\":\"2023-11-14T15:10:02Z\",\"Computer\":\"Computer01\","
                + "\"AdditionalContext\":\"\",\"Level\":3,\"Ratio\":1.0,\"Ok\":true,\"Props\":{\"a\":[1,2]}}");
    }

    @Test
    void a_field_that_does_not_convert_to_its_column_type_is_null_and_left_out() throws Exception {
        assertThat(row("source | project Level, Computer", "{\"Level\":\"high\",\"Computer\":\"c\"}").toString())
                .isEqualTo("{\"Computer\":\"c\"}");
        assertThat(row("source | project Time", "{\"Time\":\"2024-05-31T15:30:45.123Z\"}").toString())
                .as("a time already in RFC 3339 UTC is written as it came")
                .isEqualTo("{\"Time\":\"2024-05-31T15:30:45.123Z\"}");
    }

    @Test
    void azures_tutorial_rule_sets_time_generated_and_drops_the_raw_column() throws Exception {
        JsonNode out = row("source | extend TimeGenerated = todatetime(Time) | project-away Time",
                "{\"Time\":\"2023-11-14 15:10:02\",\"Computer\":\"Computer01\",\"AdditionalContext\":\"ctx\"}");
        assertThat(out.toString()).isEqualTo("{\"Computer\":\"Computer01\",\"AdditionalContext\":\"ctx\","
                + "\"TimeGenerated\":\"2023-11-14T15:10:02Z\"}");
    }

    @Test
    void where_keeps_or_drops_and_a_null_condition_drops() throws Exception {
        String rule = "source | where Level >= 3 and Computer !startswith 'test'";
        assertThat(run(rule, "{\"Level\":4,\"Computer\":\"web-1\"}")).isInstanceOf(Row.class);
        assertThat(run(rule, "{\"Level\":2,\"Computer\":\"web-1\"}")).isInstanceOf(Dropped.class);
        assertThat(run(rule, "{\"Level\":5,\"Computer\":\"TEST-1\"}")).isInstanceOf(Dropped.class);
        assertThat(run(rule, "{\"Computer\":\"web-1\"}")).as("null Level").isInstanceOf(Dropped.class);
    }

    @Test
    void the_five_step_rule_of_the_benchmark_runs_as_written() throws Exception {
        String rule = """
                source
                | where Level > 1
                | extend d = parse_json(AdditionalContext)
                | extend User = tostring(d.user), Hits = tolong(d['hits']) * 2, Severity = iif(Level >= 4, 'high', 'low')
                | project-rename Host = Computer
                | project-away d, AdditionalContext, Props""";
        JsonNode out = row(rule, "{\"Level\":4,\"Computer\":\"web-1\",\"AdditionalContext\":\"{\\\"user\\\":\\\"ann\\\","
                + "\\\"hits\\\":21}\"}");
        assertThat(out.get("Host").asText()).isEqualTo("web-1");
        assertThat(out.get("User").asText()).isEqualTo("ann");
        assertThat(out.get("Hits").asLong()).isEqualTo(42);
        assertThat(out.get("Severity").asText()).isEqualTo("high");
        assertThat(out.has("d")).isFalse();
        assertThat(out.has("Computer")).isFalse();
    }

    @Test
    void case_picks_the_first_true_branch() throws Exception {
        String rule = "source | project Sev = case(Level == 1, 'low', Level == 2, 'mid', 'high')";
        assertThat(row(rule, "{\"Level\":1}").get("Sev").asText()).isEqualTo("low");
        assertThat(row(rule, "{\"Level\":2}").get("Sev").asText()).isEqualTo("mid");
        assertThat(row(rule, "{\"Level\":9}").get("Sev").asText()).isEqualTo("high");
        assertThat(row(rule, "{}").get("Sev").asText()).isEqualTo("high");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiterString = " => ", quoteCharacter = '`', value = {
        // conversions, as Kusto prints them
        "tostring(1.0) => 1",
        "tostring(1.5) => 1.5",
        "tostring(toint('12') + 1) => 13",
        "tostring(todatetime('2024-05-31 15:30:45')) => 2024-05-31T15:30:45.0000000Z",
        "tostring(datetime(2024-05-31T15:30:45.25Z)) => 2024-05-31T15:30:45.2500000Z",
        "tostring(90s) => 00:01:30",
        "tostring(1d + 2h) => 1.02:00:00",
        "tostring(100ms) => 00:00:00.1000000",
        "tostring(datetime(2024-06-01) - datetime(2024-05-31 12:00)) => 12:00:00",
        "tostring(datetime(2024-05-31) + 1d) => 2024-06-01T00:00:00.0000000Z",
        "tostring(7 / 2) => 3",
        "tostring(7 / 2.0) => 3.5",
        "tostring(-7 % 3) => 2",
        "tostring(1h / 30m) => 2",
        "tostring(tobool('true')) => true",
        "tostring(todouble('x')) => ``",
        "tostring(parse_json('{\"a\":{\"b\":[10,20]}}').a.b[1]) => 20",
        "tostring(parse_json('[1,2,3]')[-1]) => 3",
        "tostring(array_length(split('a/b/c', '/'))) => 3",
        "tostring(split('a/b/c', '/')[1]) => b",
        "tostring(pack('k', 1, 'v', 'x')) => {\"k\":1,\"v\":\"x\"}",
        "tostring(gettype(parse_json('{}'))) => dictionary",
        "tostring(gettype(1)) => long",
        // strings
        "strcat('a', 1, 'b') => a1b",
        "substring('abcdef', 2, 3) => cde",
        "substring('abcdef', 4) => ef",
        "replace_string('a.b.c', '.', '/') => a/b/c",
        "tostring(strlen('héllo')) => 5",
        "toupper('abc') => ABC",
        "tostring(indexof('hello', 'l')) => 2",
        // string operators
        "tostring('Hello World' contains 'WORLD') => true",
        "tostring('Hello World' contains_cs 'WORLD') => false",
        "tostring('error: disk full' has 'disk') => true",
        "tostring('diskette full' has 'disk') => false",
        "tostring('diskette full' hasprefix 'disk') => true",
        "tostring('Hello' startswith 'he') => true",
        "tostring('Hello' startswith_cs 'he') => false",
        "tostring('Hello' endswith 'LO') => true",
        "tostring('Hello' !has 'hello') => false",
        "tostring('abc' =~ 'ABC') => true",
        "tostring('abc' !~ 'ABC') => false",
        "tostring('b' in ('a', 'b')) => true",
        "tostring('B' in ('a', 'b')) => false",
        "tostring('B' in~ ('a', 'b')) => true",
        "tostring('c' !in ('a', 'b')) => true",
        "tostring(5 between (1 .. 10)) => true",
        "tostring(5 !between (6 .. 10)) => true",
        "tostring('order 12 shipped' matches regex '[0-9]+') => true",
        "tostring('connection reset' has_any ('timeout', 'reset')) => true",
        "tostring('connection reset' has_all ('timeout', 'reset')) => false",
        // nulls
        "tostring(isnull(int(null))) => true",
        "tostring(int(null) == int(null)) => ``",
        "tostring(int(null) == 1) => false",
        "tostring(int(null) != 1) => true",
        "tostring(int(null) + 1) => ``",
        "tostring(isempty('')) => true",
        "tostring(false and int(null) == int(null)) => false",
        "tostring(true or int(null) == int(null)) => true",
        "tostring(iif(1 > 2, 'yes', 'no')) => no",
        // datetime functions (Kusto's documented examples)
        "tostring(dayofmonth(datetime(2015-12-14))) => 14",
        "tostring(dayofweek(datetime(1947-11-30 10:00:05))) => 00:00:00",
        "tostring(dayofweek(datetime(1970-05-11))) => 1.00:00:00",
        "tostring(dayofyear(datetime(2015-12-14))) => 348",
        "tostring(getmonth(datetime(2015-10-12))) => 10",
        "tostring(getyear(datetime(2015-10-12))) => 2015",
        "tostring(hourofday(datetime(2015-12-14 18:54))) => 18",
        "tostring(weekofyear(datetime(2020-12-31))) => 53",
        "tostring(weekofyear(datetime(2020-06-22))) => 26",
        "tostring(startofday(datetime(2017-01-01 10:10:17))) => 2017-01-01T00:00:00.0000000Z",
        "tostring(startofday(datetime(2017-01-01 10:10:17), -1)) => 2016-12-31T00:00:00.0000000Z",
        "tostring(startofweek(datetime(2017-01-04 10:10:17))) => 2017-01-01T00:00:00.0000000Z",
        "tostring(startofmonth(datetime(2017-01-21 10:10:17))) => 2017-01-01T00:00:00.0000000Z",
        "tostring(startofyear(datetime(2017-05-21 10:10:17))) => 2017-01-01T00:00:00.0000000Z",
        "tostring(endofday(datetime(2017-01-01 10:10:17))) => 2017-01-01T23:59:59.9999999Z",
        "tostring(endofmonth(datetime(2017-01-01 10:10:17))) => 2017-01-31T23:59:59.9999999Z",
        "tostring(endofyear(datetime(2017-01-01 10:10:17))) => 2017-12-31T23:59:59.9999999Z",
        "tostring(endofweek(datetime(2017-01-01 10:10:17))) => 2017-01-07T23:59:59.9999999Z",
        "tostring(make_datetime(2017, 10, 01)) => 2017-10-01T00:00:00.0000000Z",
        "tostring(make_datetime(2017, 10, 01, 12, 10)) => 2017-10-01T12:10:00.0000000Z",
        "tostring(make_datetime(2017, 10, 01, 12, 11, 0.1234567)) => 2017-10-01T12:11:00.1234567Z",
        "tostring(make_timespan(1, 12, 30, 55.123)) => 1.12:30:55.1230000",
        "tostring(datetime_add('month', 1, datetime(2017-01-01))) => 2017-02-01T00:00:00.0000000Z",
        "tostring(datetime_add('quarter', 1, datetime(2017-01-01))) => 2017-04-01T00:00:00.0000000Z",
        "tostring(datetime_diff('year', datetime(2017-01-01), datetime(2000-12-31))) => 17",
        "tostring(datetime_diff('quarter', datetime(2017-07-01), datetime(2017-03-30))) => 2",
        "tostring(datetime_diff('month', datetime(2017-01-01), datetime(2015-12-30))) => 13",
        "tostring(datetime_diff('week', datetime(2017-10-29 00:00), datetime(2017-09-30 23:59))) => 5",
        "tostring(datetime_diff('day', datetime(2017-10-29 00:00), datetime(2017-09-30 23:59))) => 29",
        "tostring(datetime_diff('hour', datetime(2017-10-31 01:00), datetime(2017-10-30 23:59))) => 2",
        "tostring(datetime_diff('minute', datetime(2017-10-30 23:05:01), datetime(2017-10-30 23:00:59))) => 5",
        "tostring(datetime_part('quarter', datetime(2017-10-30 01:02:03.7654321))) => 4",
        "tostring(datetime_part('millisecond', datetime(2017-10-30 01:02:03.7654321))) => 765",
        // math and bitwise
        "tostring(bin(4.5, 1)) => 4",
        "tostring(bin(time(16d), 7d)) => 14.00:00:00",
        "tostring(bin(datetime(1970-05-11 13:45:07), 1d)) => 1970-05-11T00:00:00.0000000Z",
        "tostring(floor(-4.5, 1)) => -5",
        "tostring(round(2.98765, 3)) => 2.988",
        "tostring(round(2.15, 1)) => 2.2",
        "tostring(round(-50.55, -2)) => -100",
        "tostring(pow(2, 3)) => 8",
        "tostring(log10(100)) => 2",
        "tostring(exp2(3)) => 8",
        "tostring(sign(-42)) => -1",
        "tostring(ceiling(-1.1)) => -1",
        "tostring(isnan(todouble('NaN'))) => true",
        "tostring(max_of(10, 1, -3, 17)) => 17",
        "tostring(min_of(10, 1, -3, 17)) => -3",
        "tostring(binary_and(6, 3)) => 2",
        "tostring(binary_or(6, 3)) => 7",
        "tostring(binary_xor(6, 3)) => 5",
        "tostring(binary_not(100)) => -101",
        "tostring(binary_shift_left(1, 4)) => 16",
        "tostring(binary_shift_right(16, 4)) => 1",
        // more strings and dynamic
        "strcat_delim('-', 'a', 'b', 'c') => a-b-c",
        "tostring(countof('aaa', 'a')) => 3",
        "tostring(countof('aaaa', 'aa')) => 3",
        "tostring(countof('aaaa', 'aa', 'regex')) => 2",
        "extract('x=([0-9.]+)', 1, 'hello x=45.6|wo') => 45.6",
        "extract('y=([0-9.]+)', 1, 'hello x=45.6|wo') => ``",
        "tostring(extract_all(@'(\\d+)', 'a1b22c333')) => [\"1\",\"22\",\"333\"]",
        "base64_encodestring('Kusto') => S3VzdG8=",
        "base64_decodestring('S3VzdG8=') => Kusto",
        "hash_sha256('World') => 78ae647dc5544d227130a0682a51e30bc7777fbb6d8a8f17007463a3ecd1d524",
        "tostring(array_concat(dynamic([1, 2]), dynamic([3]))) => [1,2,3]",
        "tostring(zip(dynamic([1, 3, 5]), dynamic([2, 4, 6]))) => [[1,2],[3,4],[5,6]]",
        "tostring(coalesce(int(null), 5)) => 5",
        "tostring(exp(0)) => 1",
        "tostring(log(exp(2))) => 2",
        "tostring(log2(8)) => 3",
        "tostring(exp10(2)) => 100",
        "tostring(isinf(1 / 0.0)) => true",
        "tostring(isfinite(1.5)) => true",
        "tostring(toguid('74BE27DE-1E4E-49D9-B579-FE0B331D3642')) => 74be27de-1e4e-49d9-b579-fe0b331d3642",
        "tostring(totimespan('0.00:01:00')) => 00:01:00",
        "tostring(totimespan('1.5h')) => 01:30:00",
        "tostring(ago(1d) < now()) => true",
        "tostring(now(-1d) < now()) => true",
        "gettype(now()) => datetime",
        "gettype(1.5) => real",
        "gettype(toint(1)) => int",
        "gettype(1s) => timespan",
        "gettype(parse_json('[1]')) => array",
        "tostring(array_length(pack_array(1, 'a', 2.5))) => 3",
    })
    void computes_as_kusto_documents(String expression, String expected) throws Exception {
        JsonNode out = row("print r = " + expression, "{}");
        assertThat(out.path("r").asText()).isEqualTo(expected == null ? "" : expected);
    }

    @Test
    void parse_extracts_typed_columns_as_kustos_own_example_does() throws Exception {
        Map<String, String> cols = columns("EventText", "string");
        String rule = "source | parse EventText with * \"resourceName=\" resourceName \", totalSlices=\" totalSlices:long"
                + " * \", sliceNumber=\" sliceNumber:long * \", lockTime=\" lockTime \", releaseTime=\" releaseTime:date"
                + " \",\" * \"previousLockTime=\" previousLockTime:date \")\" * | project-away EventText";
        Transformation t = Transformation.compile(rule, cols);
        Result r = t.apply(JSON.readTree("{\"EventText\":\"Event: NotifySliceRelease (resourceName=PipelineScheduler, "
                + "totalSlices=27, sliceNumber=23, lockTime=02/17/2016 08:40:01, releaseTime=02/17/2016 08:40:01, "
                + "previousLockTime=02/17/2016 08:39:01)\"}"));
        assertThat(((Row) r).event().toString()).isEqualTo("{\"resourceName\":\"PipelineScheduler\",\"totalSlices\":27,"
                + "\"sliceNumber\":23,\"lockTime\":\"02/17/2016 08:40:01\",\"releaseTime\":\"2016-02-17T08:40:01Z\","
                + "\"previousLockTime\":\"2016-02-17T08:39:01Z\"}");
        Result none = t.apply(JSON.readTree("{\"EventText\":\"something else\"}"));
        assertThat(((Row) none).event().toString()).as("no match: strings empty, the rest null")
                .isEqualTo("{\"resourceName\":\"\",\"lockTime\":\"\"}");
    }

    @Test
    void parse_kinds_regex_and_relaxed() throws Exception {
        Map<String, String> cols = columns("RawData", "string");
        // kind=regex string columns are greedy, as Kusto's page shows; flags=U makes them lazy
        JsonNode out = Transformation.compile("source | parse kind=regex flags=U RawData with \"user=\" User"
                + " \"\\\\s+took=\" Ms:long"
                + " | project User, Ms", cols).apply(JSON.readTree("{\"RawData\":\"user=ann   took=42\"}")) instanceof Row row
                ? row.event() : null;
        assertThat(out).hasToString("{\"User\":\"ann\",\"Ms\":42}");
        String relaxed = "source | parse kind=relaxed RawData with \"a=\" A:long \" b=\" B | project A, B";
        Result r = Transformation.compile(relaxed, cols).apply(JSON.readTree("{\"RawData\":\"a=x b=y\"}"));
        assertThat(((Row) r).event()).as("a value that does not convert is null alone").hasToString("{\"B\":\"y\"}");
        Result simple = Transformation.compile(relaxed.replace("kind=relaxed ", ""), cols)
                .apply(JSON.readTree("{\"RawData\":\"a=x b=y\"}"));
        assertThat(((Row) simple).event()).hasToString("{\"B\":\"\"}");
    }

    @Test
    void azures_sample_parses_a_raw_string_column() throws Exception {
        Map<String, String> cols = columns("TimeGenerated", "datetime", "RawData", "string");
        JsonNode out = ((Row) Transformation.compile("source | parse RawData with * \"Computer: \" Computer \" Message: \""
                + " Message | project-away RawData", cols).apply(JSON.readTree(
                "{\"TimeGenerated\":\"2024-05-31T10:00:00Z\",\"RawData\":\"[x] Computer: web-1 Message: disk full\"}")))
                .event();
        assertThat(out).hasToString("{\"TimeGenerated\":\"2024-05-31T10:00:00Z\",\"Computer\":\"web-1\","
                + "\"Message\":\"disk full\"}");
    }

    @Test
    void a_later_column_of_an_extend_may_use_an_earlier_one() throws Exception {
        assertThat(row("source | extend a = Level * 2, b = a + 1, Level = b | project a, b, Level", "{\"Level\":3}"))
                .hasToString("{\"a\":6,\"b\":7,\"Level\":7}");
    }

    @Test
    void a_datatable_in_a_let_is_checked_and_may_stand_unused() throws Exception {
        assertThat(run("let levels = datatable(name:string, n:long)['low', 1, 'high', 4];\nsource | project Level",
                "{\"Level\":2}")).isInstanceOf(Row.class);
    }

    @Test
    void let_names_a_constant() throws Exception {
        String rule = "let threshold = 5;\nsource | where Count > threshold | project Count";
        assertThat(run(rule, "{\"Count\":6}")).isInstanceOf(Row.class);
        assertThat(run(rule, "{\"Count\":5}")).isInstanceOf(Dropped.class);
    }

    @Test
    void columnifexists_reads_a_column_or_gives_the_default() throws Exception {
        JsonNode out = row("source | project a = columnifexists('Computer', 'none'), b = columnifexists('Nope', 'none')",
                "{\"Computer\":\"c1\"}");
        assertThat(out.toString()).isEqualTo("{\"a\":\"c1\",\"b\":\"none\"}");
    }

    @Test
    void an_event_that_fails_at_run_time_comes_back_failed_with_the_reason() throws Exception {
        String rule = "source | extend x = Count / (Level - 3)";
        assertThat(run(rule, "{\"Count\":6,\"Level\":5}")).isInstanceOf(Row.class);
        Result r = run(rule, "{\"Count\":6,\"Level\":3}");
        assertThat(r).isEqualTo(new Failed("integer division by zero"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiterString = " => ", quoteCharacter = '`', value = {
        "source | where Nope == 1 => there is no column or let name 'Nope'",
        "source | where Computer == 1 => cannot compare string with long",
        "source | where Level => 'where' needs bool operands, not int",
        "source | extend x = Computer + 'a' => '+' cannot take string and string (strcat() joins strings)",
        "source | extend x = iif(Ok, 1) => iif() takes 3 arguments, not 2",
        "source | extend x = iif(Ok, 1, 'a') => the branches have different types: long and string",
        "source | extend x = Computer.a => member access needs a dynamic value, not string",
        "source | extend x = frob(1) => unknown function frob()",
        "source | extend x = extract('a', 0) => extract() takes 3 to 4 arguments, not 2",
        "source | extend x = extract(Computer, 0, Computer) => extract() takes the regular expression as a constant string",
        "source | extend x = datetime_add('fortnight', 1, Time) => datetime_add(): unknown period 'fortnight'",
        "source | parse Computer with 'a' X:frob => unknown type frob for parse column X",
        "source | project-away Nope => project-away: there is no column 'Nope'",
        "source | project-rename a = Nope => project-rename: there is no column 'Nope'",
        "source | project a = 1, a = 2 => project names column a twice",
        "source | where Computer matches regex '(' => invalid regular expression",
        "print x = datetime(not a date) => not a valid datetime literal",
        "let t = datatable(a:long)[1, 2]; source | extend x = t => 't' is a datatable, and a transformation has no operator",
        "let t = datatable(a:long)['x']; source => datatable column a is long, and x is not",
        "datatable(a:long)[1] => a datatable as the source is not supported: a transformation reads source",
    })
    void refuses_what_cannot_run_when_compiling_saying_why(String rule, String problem) {
        assertThatThrownBy(() -> Transformation.compile(rule, STREAM)).isInstanceOfSatisfying(KqlCompileException.class,
                e -> assertThat(e.problem()).startsWith(problem));
    }

    @Test
    void a_rule_that_reads_the_clock_only_through_a_function_reads_it_for_each_event() throws Exception {
        // the instant is kept per thread for the event: a rule must not see the one another rule read before it
        JsonNode first = row("print t = now()", "{}");
        Thread.sleep(20);
        JsonNode later = row("let f = () { now() }; print t = f()", "{}");
        assertThat(java.time.Instant.parse(later.get("t").asText()))
                .isAfter(java.time.Instant.parse(first.get("t").asText()));
        Thread.sleep(20);
        JsonNode literal = row("print t = datetime()", "{}");
        assertThat(java.time.Instant.parse(literal.get("t").asText()))
                .isAfter(java.time.Instant.parse(later.get("t").asText()));
    }
}
