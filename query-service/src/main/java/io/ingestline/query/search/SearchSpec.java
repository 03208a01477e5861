package io.ingestline.query.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ingestline.query.lang.QueryParser;
import io.ingestline.query.store.Cursor;
import io.ingestline.query.store.Order;
import io.ingestline.query.store.Search;
import java.io.IOException;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;

/**
 * A search as a client asked for it, with its time range resolved to instants (so {@code now} does not move between
 * pages), and whose token asked. It travels inside the ids the API hands out (a search's {@code rsid}, an iteration's
 * {@code next}), so any node can answer them, and a node that no longer holds a result can compute it again.
 */
public record SearchSpec(String tokenId, String dataset, String q, Instant from, Instant until, Order order, int size) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public SearchSpec {
        Objects.requireNonNull(tokenId, "tokenId");
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(q, "q");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(until, "until");
        Objects.requireNonNull(order, "order");
    }

    /** The store's search, from the first page. */
    public Search search() {
        return Search.of(dataset, QueryParser.parse(q), from, until, order, size);
    }

    /** The store's search from {@code after} (null: the first page). */
    public Search search(Cursor after) {
        return search().after(after);
    }

    /** An opaque, URL-safe text of this spec and a cursor (null for none). */
    public String encode(Cursor cursor) {
        ObjectNode n = JSON.createObjectNode();
        n.put("t", tokenId).put("d", dataset).put("q", q).put("f", from.toString()).put("u", until.toString())
                .put("o", order.name()).put("s", size);
        if (cursor != null) {
            n.put("c", cursor.encode());
        }
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(JSON.writeValueAsBytes(n));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A spec and cursor read back from {@link #encode}. */
    public record Position(SearchSpec spec, Cursor cursor) {
    }

    /** Reads {@link #encode}'s text; throws {@link IllegalArgumentException} for anything else. */
    public static Position decode(String text) {
        try {
            JsonNode n = JSON.readTree(Base64.getUrlDecoder().decode(text));
            SearchSpec spec = new SearchSpec(n.get("t").asText(), n.get("d").asText(), n.get("q").asText(),
                    Instant.parse(n.get("f").asText()), Instant.parse(n.get("u").asText()),
                    Order.valueOf(n.get("o").asText()), n.get("s").asInt());
            JsonNode c = n.get("c");
            return new Position(spec, c == null ? null : Cursor.decode(c.asText()));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not an id this service issued", e);
        }
    }
}
