package io.ingestline.query.http;

import io.ingestline.model.auth.ApiToken;
import io.ingestline.query.search.SearchResult;
import io.ingestline.query.search.SearchSpec;
import io.ingestline.query.search.Searches;
import io.ingestline.query.store.StoredEvent;
import io.javalin.http.Context;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code GET /apiv2/search} starts a search and answers its {@code rsid} at once; {@code GET /apiv2/events?rsid=}
 * waits for its result (kept in the node's cache) and answers it. The rsid's id carries the search itself (after a
 * random part), so a node that does not hold the result (another node behind the load balancer, or one whose cache
 * let it go) computes it again; only the token that started a search can read it.
 */
final class SearchHandler {
    /** Loggly's largest search. */
    static final int MAX_SIZE = 5_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Access access;
    private final SearchParams params;
    private final Searches searches;
    private final Duration timeout;
    private final Clock clock;

    SearchHandler(Access access, SearchParams params, Searches searches, Duration timeout, Clock clock) {
        this.access = access;
        this.params = params;
        this.searches = searches;
        this.timeout = timeout;
        this.clock = clock;
    }

    void search(Context ctx) {
        ApiToken token = access.caller(ctx);
        SearchSpec spec = params.read(ctx, token, access, 50, MAX_SIZE, clock.instant());
        access.admitSearch(token);
        long started = System.nanoTime();
        byte[] random = new byte[8];
        RANDOM.nextBytes(random);
        String id = HexFormat.of().formatHex(random) + "." + spec.encode(null);
        searches.start(id, spec);
        double elapsed = (System.nanoTime() - started) / 1e9;
        Answers.json(ctx, 200, g -> {
            g.writeStartObject();
            g.writeObjectFieldStart("rsid");
            g.writeStringField("status", "SCHEDULED");
            g.writeNumberField("date_from", spec.from().toEpochMilli());
            g.writeNumberField("date_to", spec.until().toEpochMilli());
            g.writeNumberField("elapsed_time", elapsed);
            g.writeStringField("id", id);
            g.writeEndObject();
            g.writeEndObject();
        });
    }

    void events(Context ctx) {
        ApiToken token = access.caller(ctx);
        String rsid = ctx.queryParam("rsid");
        if (rsid == null || rsid.isBlank()) {
            throw new ApiException(400, "rsid is required (the id /apiv2/search answered)");
        }
        int page = page(ctx.queryParam("page"));
        SearchSpec spec = spec(rsid.trim(), token);
        access.mayRead(token, spec.dataset());
        CompletableFuture<SearchResult> result = searches.cache().get(rsid.trim());
        if (result == null) {
            access.admitSearch(token);
            result = searches.start(rsid.trim(), spec);
        }
        // A search holds two turns at the store (its page and its count), each bounded by the timeout.
        SearchResult r = Answers.await(result, timeout.toMillis() * 3);
        List<StoredEvent> events = pageOf(r.events(), page, spec.size());
        Answers.json(ctx, 200, g -> {
            g.writeStartObject();
            g.writeNumberField("total_events", r.total());
            g.writeNumberField("page", page);
            g.writeArrayFieldStart("events");
            for (StoredEvent e : events) {
                LogglyEvents.write(g, e);
            }
            g.writeEndArray();
            if (r.truncated()) {
                g.writeBooleanField("truncated", true);
            }
            g.writeEndObject();
        });
    }

    /** The search inside an rsid, if this token started it; 404 otherwise (another token learns nothing of it). */
    private static SearchSpec spec(String rsid, ApiToken token) {
        int dot = rsid.indexOf('.');
        SearchSpec spec;
        try {
            spec = SearchSpec.decode(dot < 0 ? "" : rsid.substring(dot + 1)).spec();
        } catch (IllegalArgumentException e) {
            throw new ApiException(404, "unknown rsid");
        }
        if (!spec.tokenId().equals(token.id())) {
            throw new ApiException(404, "unknown rsid");
        }
        return spec;
    }

    private static int page(String v) {
        if (v == null || v.isBlank()) {
            return 0;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new ApiException(400, "page=" + v + ": must be 0 or more");
    }

    /** Page {@code page} of {@code size} events: a search's result is one page of its size (page 0). */
    private static List<StoredEvent> pageOf(List<StoredEvent> events, int page, int size) {
        long from = (long) page * size;
        if (from >= events.size()) {
            return List.of();
        }
        return events.subList((int) from, (int) Math.min(events.size(), from + size));
    }
}
