package io.ingestline.query.http;

import io.ingestline.model.auth.ApiToken;
import io.ingestline.query.search.SearchSpec;
import io.ingestline.query.search.Searches;
import io.ingestline.query.store.Page;
import io.ingestline.query.store.StoredEvent;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

/**
 * {@code GET /apiv2/events/iterate}: a page of events (1 to 1,000, default 50) and, when more follow, a {@code next}
 * URL for the following page. The {@code next} parameter carries the search and the position of the page's last event,
 * so any node serves any page, nothing is held between calls, and a page is one bounded read of the store from that
 * position: paging through any number of events costs one page of memory, and no event is repeated or skipped.
 * Unlike Loggly's, a {@code next} URL does not expire after 10 minutes; like Loggly's, its search cannot be changed
 * (parameters beside {@code next} are ignored).
 */
final class IterateHandler {
    static final int MAX_SIZE = 1_000;

    private final Access access;
    private final SearchParams params;
    private final Searches searches;
    private final Clock clock;

    IterateHandler(Access access, SearchParams params, Searches searches, Clock clock) {
        this.access = access;
        this.params = params;
        this.searches = searches;
        this.clock = clock;
    }

    void iterate(Context ctx) {
        ApiToken token = access.caller(ctx);
        String next = ctx.queryParam("next");
        SearchSpec.Position at;
        if (next != null && !next.isBlank()) {
            try {
                at = SearchSpec.decode(next.trim());
            } catch (IllegalArgumentException e) {
                throw new ApiException(400, "next: not a URL this service gave");
            }
            if (!at.spec().tokenId().equals(token.id())) {
                throw new ApiException(403, "next: this iteration belongs to another token");
            }
            access.mayRead(token, at.spec().dataset());
        } else {
            at = new SearchSpec.Position(params.read(ctx, token, access, 50, MAX_SIZE, clock.instant()), null);
        }
        access.admitSearch(token);
        SearchSpec spec = at.spec();
        Page page;
        try {
            page = searches.run(() -> searches.store().search(spec.search(at.cursor())));
        } catch (IllegalArgumentException e) {
            // a position another store made (the dataset moved between backends since the last page)
            throw new ApiException(400, "next: " + e.getMessage());
        }
        String nextUrl = page.next().map(c -> base(ctx) + "/apiv2/events/iterate?next="
                + URLEncoder.encode(spec.encode(c), StandardCharsets.UTF_8)).orElse(null);
        Answers.json(ctx, 200, g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("events");
            for (StoredEvent e : page.events()) {
                LogglyEvents.write(g, e);
            }
            g.writeEndArray();
            if (nextUrl != null) {
                g.writeStringField("next", nextUrl);
            }
            g.writeEndObject();
        });
    }

    /** This service as the client reached it: the scheme (or a proxy's X-Forwarded-Proto) and the Host header. */
    private static String base(Context ctx) {
        String proto = ctx.header("X-Forwarded-Proto");
        String scheme = proto != null && (proto.equalsIgnoreCase("https") || proto.equalsIgnoreCase("http"))
                ? proto.toLowerCase(java.util.Locale.ROOT) : ctx.scheme();
        return scheme + "://" + ctx.host();
    }
}
