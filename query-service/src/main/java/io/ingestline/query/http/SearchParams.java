package io.ingestline.query.http;

import io.ingestline.model.DatasetName;
import io.ingestline.model.auth.ApiToken;
import io.ingestline.query.lang.QueryParser;
import io.ingestline.query.lang.QuerySyntaxException;
import io.ingestline.query.search.SearchSpec;
import io.ingestline.query.store.Order;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.Locale;

/**
 * Reads a search from Loggly's parameters: {@code q} (required), {@code from} (default {@code -24h}), {@code until}
 * (default {@code now}), {@code order} ({@code asc} or {@code desc}, default {@code desc}), {@code size}, and this
 * service's {@code dataset} (default: the Loggly dataset). Every mistake is a 400 naming the parameter; a query that
 * does not parse is a 400 naming the column.
 */
final class SearchParams {
    private final String defaultDataset;

    SearchParams(String defaultDataset) {
        this.defaultDataset = defaultDataset;
    }

    /** The search of this request; {@code maxSize} is the endpoint's largest {@code size}. */
    SearchSpec read(Context ctx, ApiToken token, Access access, int defaultSize, int maxSize, Instant now) {
        String q = ctx.queryParam("q");
        if (q == null || q.isBlank()) {
            throw new ApiException(400, "q is required (use * for every event)");
        }
        try {
            QueryParser.parse(q);
        } catch (QuerySyntaxException e) {
            throw new ApiException(400, "q: " + e.getMessage(), e.column(), 0);
        }
        String dataset = param(ctx, "dataset", defaultDataset);
        // _deadletter is reserved for writing, and searched like any dataset
        if (!dataset.equals(DatasetName.DEAD_LETTERS)) {
            DatasetName.problem(dataset).ifPresent(p -> {
                throw new ApiException(400, "dataset: " + p);
            });
        }
        access.mayRead(token, dataset);
        Instant from = time("from", param(ctx, "from", "-24h"), now);
        Instant until = time("until", param(ctx, "until", "now"), now);
        if (!from.isBefore(until)) {
            throw new ApiException(400, "from (" + from + ") must be before until (" + until + ")");
        }
        return new SearchSpec(token.id(), dataset, q, from, until, order(param(ctx, "order", "desc")),
                size(param(ctx, "size", Integer.toString(defaultSize)), maxSize));
    }

    static String param(Context ctx, String name, String fallback) {
        String v = ctx.queryParam(name);
        return v == null || v.isBlank() ? fallback : v.trim();
    }

    static int size(String v, int max) {
        try {
            int n = Integer.parseInt(v);
            if (n >= 1 && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new ApiException(400, "size=" + v + ": must be 1 to " + max);
    }

    private static Order order(String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "asc" -> Order.ASC;
            case "desc" -> Order.DESC;
            default -> throw new ApiException(400, "order=" + v + ": must be asc or desc");
        };
    }

    private static Instant time(String name, String v, Instant now) {
        try {
            return LogglyTime.parse(name, v, now);
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, e.getMessage());
        }
    }
}
