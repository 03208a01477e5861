package io.ingestline.query.lang;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(10)
class MatcherTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static final String JSON = """
            {"status":404,"latency":0.25,"ok":false,"level":"Error","user":null,
             "http":{"method":"GET","path":"/api/v1/users"},
             "items":[{"sku":"A-1","qty":2},{"sku":"B-2","qty":5}],
             "codes":[200,[301,302]],"name":"Zoë","empty":[],"big":12345678901234567890,
             "a.b":"dotted","text":"404"}""";

    private static final Event EVENT = new Event(
            "2026-12-04T10:00:00Z ERROR Connection refused by db-01 (timeout=30s) user_id=42 10.0.0.7",
            json(JSON), List.of("prod", "Web-Frontend"));

    private static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean matches(String query) {
        return Matcher.matches(QueryParser.parse(query), EVENT);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "error", "ERROR", "Refused", "refused connection", "db", "01", "user_id", "42", "conn*", "c?nnection",
        "*fuse*", "\"connection refused\"", "\"CONNECTION   refused!\"", "db-01", "10.0.0.7", "10.0.*", "timeout=30s",
        "*"})
    void free_text_finds_the_words_of_the_raw_text_in_any_case(String query) {
        assertThat(matches(query)).as(query).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "erro", "refuse", "connect", "\"refused connection\"", "db-02", "10.0.0.8", "conn?", "db01", "status",
        "prod"})
    void free_text_matches_whole_words_and_phrases_in_order_only(String query) {
        assertThat(matches(query)).as(query).isFalse();
    }

    @Test
    void operators_combine_as_boolean_logic() {
        assertThat(matches("error AND timeout")).isTrue();
        assertThat(matches("error missing")).isFalse();
        assertThat(matches("missing OR error")).isTrue();
        assertThat(matches("error NOT timeout")).isFalse();
        assertThat(matches("error -missing")).isTrue();
        assertThat(matches("+error +timeout")).isTrue();
        assertThat(matches("NOT (missing OR absent)")).isTrue();
        assertThat(matches("-*")).isFalse();
    }

    @Test
    void a_number_equals_a_json_number_by_value() {
        assertThat(matches("json.status:404")).isTrue();
        assertThat(matches("json.status:404.0")).isTrue();
        assertThat(matches("json.status:4.04e2")).isTrue();
        assertThat(matches("json.latency:0.250")).isTrue();
        assertThat(matches("json.status:405")).isFalse();
        assertThat(matches("json.big:12345678901234567890")).isTrue();
    }

    @Test
    void a_number_equals_a_json_string_by_its_whole_text() {
        assertThat(matches("json.text:404")).isTrue();
        assertThat(matches("json.text:404.0")).isFalse();
    }

    @Test
    void a_word_equals_a_string_by_its_whole_value_in_any_case() {
        assertThat(matches("json.level:error")).isTrue();
        assertThat(matches("json.level:ERR")).isFalse();
        assertThat(matches("json.http.path:\"/api/v1/users\"")).isTrue();
        assertThat(matches("json.http.path:users")).isFalse();
        assertThat(matches("json.name:ZOË")).isTrue();
    }

    @Test
    void a_boolean_equals_its_text() {
        assertThat(matches("json.ok:false")).isTrue();
        assertThat(matches("json.ok:FALSE")).isTrue();
        assertThat(matches("json.ok:true")).isFalse();
    }

    @Test
    void a_wildcard_value_matches_the_whole_text_of_a_string_or_number() {
        assertThat(matches("json.http.path:/api/*")).isTrue();
        assertThat(matches("json.http.path:api*")).isFalse();
        assertThat(matches("json.status:4*")).isTrue();
        assertThat(matches("json.status:4?4")).isTrue();
        assertThat(matches("json.status:4?")).isFalse();
        assertThat(matches("json.level:E*R")).isTrue();
    }

    @Test
    void an_escaped_wildcard_is_a_literal_character() {
        Event star = new Event("", json("{\"p\":\"a*b\"}"), List.of());
        assertThat(Matcher.matches(QueryParser.parse("json.p:a\\*b"), star)).isTrue();
        assertThat(Matcher.matches(QueryParser.parse("json.p:a\\*c"), star)).isFalse();
        assertThat(Matcher.matches(QueryParser.parse("json.p:\"a*b\""), star)).isTrue();
        assertThat(Matcher.matches(QueryParser.parse("json.p:\"a*\""), star)).isFalse();
    }

    @Test
    void any_element_of_an_array_matches_also_on_the_way_and_nested() {
        assertThat(matches("json.items.sku:B-2")).isTrue();
        assertThat(matches("json.items.qty:[3 TO 9]")).isTrue();
        assertThat(matches("json.codes:302")).isTrue();
        assertThat(matches("json.codes:303")).isFalse();
    }

    @Test
    void a_key_with_a_dot_is_reached_by_escaping_the_dot() {
        assertThat(matches("json.a\\.b:dotted")).isTrue();
        assertThat(matches("json.a.b:dotted")).isFalse();
    }

    @Test
    void a_field_exists_when_it_has_a_value_that_is_not_null() {
        assertThat(matches("json.status:*")).isTrue();
        assertThat(matches("json.http:*")).isTrue();
        assertThat(matches("json.user:*")).isFalse();
        assertThat(matches("json.empty:*")).isFalse();
        assertThat(matches("json.nothing:*")).isFalse();
        assertThat(matches("json.status.deeper:*")).isFalse();
    }

    @Test
    void a_missing_field_matches_nothing_but_its_negation() {
        assertThat(matches("json.nothing:x")).isFalse();
        assertThat(matches("json.nothing:[1 TO 2]")).isFalse();
        assertThat(matches("NOT json.nothing:x")).isTrue();
        assertThat(matches("json.user:null")).isFalse();
    }

    @Test
    void an_object_has_no_value_to_compare() {
        assertThat(matches("json.http:GET")).isFalse();
        assertThat(matches("json.http:*GET*")).isFalse();
    }

    @Test
    void a_numeric_range_compares_json_numbers_with_open_and_closed_ends() {
        assertThat(matches("json.status:[400 TO 499]")).isTrue();
        assertThat(matches("json.status:[404 TO 404]")).isTrue();
        assertThat(matches("json.status:{404 TO 500]")).isFalse();
        assertThat(matches("json.status:[400 TO 404}")).isFalse();
        assertThat(matches("json.status:[400 TO *]")).isTrue();
        assertThat(matches("json.status:[* TO 403]")).isFalse();
        assertThat(matches("json.latency:[0.1 TO 0.3]")).isTrue();
        assertThat(matches("json.latency:[-1 TO 1e-1]")).isFalse();
    }

    @Test
    void a_numeric_range_skips_strings_that_look_like_numbers() {
        assertThat(matches("json.text:[400 TO 499]")).isFalse();
    }

    @Test
    void a_string_range_compares_strings_in_lower_case_by_code_point() {
        assertThat(matches("json.level:[a TO f]")).isTrue();
        assertThat(matches("json.level:[ERROR TO ERROR]")).isTrue();
        assertThat(matches("json.level:{error TO z}")).isFalse();
        assertThat(matches("json.level:[f TO *]")).isFalse();
        assertThat(matches("json.status:[a TO z]")).isFalse();
        assertThat(matches("json.text:[\"400\" TO 4a]")).isTrue();
    }

    @Test
    void a_range_open_at_both_ends_holds_every_scalar() {
        assertThat(matches("json.status:[* TO *]")).isTrue();
        assertThat(matches("json.http:[* TO *]")).isFalse();
    }

    @Test
    void tags_match_whole_in_any_case_with_wildcards_and_ranges() {
        assertThat(matches("tag:prod")).isTrue();
        assertThat(matches("tag:web-frontend")).isTrue();
        assertThat(matches("tag:web*")).isTrue();
        assertThat(matches("tag:web")).isFalse();
        assertThat(matches("tag:*")).isTrue();
        assertThat(matches("tag:[p TO q]")).isTrue();
        assertThat(Matcher.matches(QueryParser.parse("tag:*"), new Event("x", null, List.of()))).isFalse();
    }

    @Test
    void an_event_without_json_has_no_json_fields() {
        Event plain = new Event("status 404", null, List.of());
        assertThat(Matcher.matches(QueryParser.parse("json.status:404"), plain)).isFalse();
        assertThat(Matcher.matches(QueryParser.parse("404"), plain)).isTrue();
    }

    @Test
    void free_text_searches_only_the_raw_text_not_the_json_values() {
        Event event = new Event("GET done", json("{\"secret\":\"hidden\"}"), List.of("hidden"));
        assertThat(Matcher.matches(QueryParser.parse("hidden"), event)).isFalse();
    }

    @Test
    void a_glob_with_many_stars_on_a_long_text_is_quick() {
        Event long_ = new Event("", json("{\"s\":\"" + "a".repeat(20_000) + "\"}"), List.of());
        assertThat(Matcher.matches(QueryParser.parse("json.s:" + "*a".repeat(50) + "*b"), long_)).isFalse();
    }
}
