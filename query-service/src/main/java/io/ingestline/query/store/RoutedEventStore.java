package io.ingestline.query.store;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Sends each search to the store of its dataset's backend, by the sink's routing rule. */
public final class RoutedEventStore implements EventStore {
    private final Function<String, String> backendOf;
    private final Map<String, EventStore> stores;

    /** @param stores the stores by backend name; every backend {@code backendOf} can name must be there */
    public RoutedEventStore(Function<String, String> backendOf, Map<String, EventStore> stores) {
        this.backendOf = backendOf;
        this.stores = Map.copyOf(stores);
    }

    private EventStore of(Search search) {
        EventStore store = stores.get(backendOf.apply(search.dataset()));
        if (store == null) {
            throw new StoreException("no store for the backend of dataset " + search.dataset(), null);
        }
        return store;
    }

    @Override
    public Page search(Search search) {
        return of(search).search(search);
    }

    @Override
    public long count(Search search) {
        return of(search).count(search);
    }

    @Override
    public List<FieldCount> fields(Search search) {
        return of(search).fields(search);
    }

    @Override
    public List<ValueCount> facet(Search search, String field, int size) {
        return of(search).facet(search, field, size);
    }

    @Override
    public java.util.Optional<String> problem() {
        return stores.entrySet().stream().flatMap(e -> e.getValue().problem().map(p -> e.getKey() + ": " + p).stream())
                .findFirst();
    }

    @Override
    public void close() {
        stores.values().forEach(EventStore::close);
    }
}
