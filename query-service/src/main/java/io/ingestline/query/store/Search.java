package io.ingestline.query.store;

import io.ingestline.query.lang.Query;
import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A search of one dataset: the events of {@code query} whose {@code _time} is in [{@code from}, {@code until}), in
 * {@code order}, at most {@code size} a page, starting after {@code after} (null for the first page).
 */
public record Search(String dataset, Query query, Instant from, Instant until, Order order, int size, Cursor after) {
    /** Loggly's largest page for {@code /apiv2/search}. */
    public static final int MAX_SIZE = 5_000;
    /** A dataset name as the pipeline allows it; anything else could name a path outside the dataset's directory. */
    private static final Pattern DATASET = Pattern.compile("[A-Za-z0-9_-]{1,128}");

    public Search {
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(order, "order");
        if (dataset == null || !DATASET.matcher(dataset).matches()) {
            throw new IllegalArgumentException("not a dataset name: " + dataset);
        }
        if (from == null || until == null || !from.isBefore(until)) {
            throw new IllegalArgumentException("the time range needs from before until: " + from + ", " + until);
        }
        if (size < 1 || size > MAX_SIZE) {
            throw new IllegalArgumentException("size must be 1 to " + MAX_SIZE + ": " + size);
        }
    }

    /** The first page of a search. */
    public static Search of(String dataset, Query query, Instant from, Instant until, Order order, int size) {
        return new Search(dataset, query, from, until, order, size, null);
    }

    /**
     * A field as a query names it ({@code json.<path>} or {@code tag}); throws {@link IllegalArgumentException} for
     * anything else.
     */
    public static io.ingestline.query.lang.Field field(String name) {
        Query q;
        try {
            q = io.ingestline.query.lang.QueryParser.parse(name + ":*");
        } catch (io.ingestline.query.lang.QuerySyntaxException e) {
            throw new IllegalArgumentException("not a field: " + name, e);
        }
        if (q instanceof Query.Exists exists) {
            return exists.field();
        }
        throw new IllegalArgumentException("not a field: " + name + " (json.<path> or tag)");
    }

    /** The same search from another cursor. */
    public Search after(Cursor cursor) {
        return new Search(dataset, query, from, until, order, size, cursor);
    }
}
