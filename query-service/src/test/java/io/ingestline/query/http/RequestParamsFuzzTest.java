package io.ingestline.query.http;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.ingestline.query.search.SearchSpec;
import java.time.Instant;

/**
 * Fuzzes what a client's request parameters go through before any search: Loggly's time parameters, the ids the API
 * hands out and reads back ({@code rsid}, {@code next}), and the Authorization header. Each answers a value or
 * {@link IllegalArgumentException} (a 400 or 401 for the client), never another exception, and quickly.
 */
class RequestParamsFuzzTest {
    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

    @FuzzTest
    void parameters_parse_or_are_refused_as_the_clients_mistake(FuzzedDataProvider data) {
        String time = data.consumeString(200);
        String id = data.consumeString(4_000);
        String header = data.consumeRemainingAsString();
        try {
            Instant t = LogglyTime.parse("from", time, NOW);
            if (t.isBefore(Instant.EPOCH) || t.isAfter(Instant.parse("9999-12-31T23:59:59Z"))) {
                throw new AssertionError("a time out of range was taken: " + time + " -> " + t);
            }
        } catch (IllegalArgumentException refused) {
            // the client's mistake
        }
        try {
            SearchSpec.Position p = SearchSpec.decode(id);
            // what decodes must be usable: its search builds (a bad query or range would be a 500 later)
            p.spec().search(p.cursor());
        } catch (IllegalArgumentException refused) {
            // the client's mistake
        }
        Access.secret(header);
    }
}
