package io.ingestline.query.lang;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Fuzzes the parser with any text (the input, read as UTF-8): it answers a tree or a {@link QuerySyntaxException},
 * never anything else (no stack overflow, no index errors); a tree prints to text that parses back to it, and
 * matches an event without throwing. Seeds: {@code QueryParserFuzzTestInputs}.
 */
class QueryParserFuzzTest {
    private static final Event EVENT;

    static {
        try {
            JsonNode json = new ObjectMapper().readTree("{\"status\":404,\"level\":\"error\",\"a\":[1,\"x\",{\"b\":null}],"
                    + "\"http\":{\"path\":\"/api\"},\"f\":0.5,\"ok\":true}");
            EVENT = new Event("ERROR db-01 refused 10.0.0.7 user=ann", json, List.of("prod", "web"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest
    void any_text_parses_or_is_a_syntax_error(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        Query query;
        try {
            query = QueryParser.parse(text);
        } catch (QuerySyntaxException refused) {
            if (refused.column() < 1 || refused.column() > text.length() + 1) {
                throw new AssertionError("column out of the text: " + refused.getMessage(), refused);
            }
            return;
        }
        String printed = QueryPrinter.print(query);
        Query again = Trees.withoutPositions(QueryParser.parse(printed));
        if (!again.equals(Trees.withoutPositions(query))) {
            throw new AssertionError("printed as " + printed + ", read back as " + again);
        }
        Matcher.matches(query, EVENT);
    }
}
