package io.ingestline.kql;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import io.ingestline.kql.syntax.Lexer;
import io.ingestline.kql.syntax.Parser;
import io.ingestline.model.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Fuzzes the KQL lexer, parser and compiler with any text (the input, read as UTF-8): each refuses what it cannot
 * read with a {@link KqlCompileException} and nothing else (no stack overflow on deep nesting, no index or null
 * errors); a compiled rule then runs on one event without throwing. Seeds: {@code TransformationFuzzTestInputs}.
 */
class TransformationFuzzTest {
    private static final Map<String, String> COLUMNS = new LinkedHashMap<>();
    private static final JsonNode EVENT;

    static {
        String[] nameType = {"Time", "datetime", "Computer", "string", "AdditionalContext", "string", "RawData",
            "string", "Level", "int", "Count", "long", "Ratio", "real", "Ok", "boolean", "Props", "dynamic"};
        for (int i = 0; i < nameType.length; i += 2) {
            COLUMNS.put(nameType[i], nameType[i + 1]);
        }
        try {
            EVENT = Json.mapper().readTree("{\"Time\":\"2023-11-14 15:10:02\",\"Computer\":\"Computer01\","
                    + "\"AdditionalContext\":\"{\\\"a\\\":[1,2],\\\"b\\\":\\\"x\\\"}\","
                    + "\"RawData\":\"user=ann took=12ms\","
                    + "\"Level\":3,\"Count\":12,\"Ratio\":0.5,\"Ok\":true,\"Props\":{\"a\":[1,2],\"s\":\"t\"}}");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest
    void any_text_is_a_rule_or_a_compile_error(byte[] input) {
        String kql = new String(input, StandardCharsets.UTF_8);
        try {
            Lexer.tokens(kql);
            Parser.parse(kql);
        } catch (KqlCompileException refused) {
            return;
        }
        Transformation rule;
        try {
            rule = Transformation.compile(kql, COLUMNS);
        } catch (KqlCompileException refused) {
            return;
        }
        rule.apply(EVENT);
    }
}
