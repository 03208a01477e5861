package io.ingestline.query.http;

import io.ingestline.model.auth.ApiToken;
import io.ingestline.query.search.SearchSpec;
import io.ingestline.query.search.Searches;
import io.ingestline.query.store.EventStore;
import io.ingestline.query.store.FieldCount;
import io.ingestline.query.store.ValueCount;
import io.ingestline.query.store.Search;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.List;

/**
 * {@code GET /apiv2/fields/} answers the fields the search's events hold with how many hold each
 * ({@code {"total_events":N,"fields":[{"term":"json.status","count":N}]}}, at most 1,000, most frequent first);
 * {@code GET /apiv2/fields/<field>/} the values of one field ({@code {"<field>":[{"term":"200","count":N}],
 * "total_events":N}}, {@code facet_size} of them, default 100, at most 1,000).
 */
final class FieldsHandler {
    static final int MAX_FACET = EventStore.MAX_FACET_SIZE;

    private final Access access;
    private final SearchParams params;
    private final Searches searches;
    private final Clock clock;

    FieldsHandler(Access access, SearchParams params, Searches searches, Clock clock) {
        this.access = access;
        this.params = params;
        this.searches = searches;
        this.clock = clock;
    }

    void fields(Context ctx) {
        Search search = search(ctx);
        List<FieldCount> fields = searches.run(() -> searches.store().fields(search));
        long total = searches.run(() -> searches.store().count(search));
        Answers.json(ctx, 200, g -> {
            g.writeStartObject();
            g.writeNumberField("total_events", total);
            g.writeArrayFieldStart("fields");
            for (FieldCount c : fields) {
                g.writeStartObject();
                g.writeStringField("term", c.name());
                g.writeNumberField("count", c.count());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    void field(Context ctx) {
        String field = ctx.pathParam("field");
        int size = SearchParams.size(SearchParams.param(ctx, "facet_size", "100"), MAX_FACET);
        Search search = search(ctx);
        List<ValueCount> values;
        try {
            values = searches.run(() -> searches.store().facet(search, field, size));
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "field " + field + ": " + e.getMessage());
        }
        long total = searches.run(() -> searches.store().count(search));
        Answers.json(ctx, 200, g -> {
            g.writeStartObject();
            g.writeArrayFieldStart(field);
            for (ValueCount c : values) {
                g.writeStartObject();
                g.writeStringField("term", c.value());
                g.writeNumberField("count", c.count());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeNumberField("total_events", total);
            g.writeEndObject();
        });
    }

    private Search search(Context ctx) {
        ApiToken token = access.caller(ctx);
        SearchSpec spec = params.read(ctx, token, access, 1, SearchHandler.MAX_SIZE, clock.instant());
        access.admitSearch(token);
        return spec.search();
    }
}
