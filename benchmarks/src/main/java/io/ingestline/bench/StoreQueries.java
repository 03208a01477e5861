package io.ingestline.bench;

import io.ingestline.query.lang.QueryParser;
import io.ingestline.query.store.EventStore;
import io.ingestline.query.store.Order;
import io.ingestline.query.store.Page;
import io.ingestline.query.store.Search;
import io.ingestline.query.store.ValueCount;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The searches both query benchmarks run, on any {@link EventStore} over {@link QueryBenchmark}'s day of events, so
 * the file store's and PostgreSQL's figures answer the same questions: first pages, counts, fields and a facet.
 */
final class StoreQueries {
    private final Report report;
    private final EventStore store;
    private final int events;

    StoreQueries(Report report, EventStore store, int events) {
        this.report = report;
        this.store = store;
        this.events = events;
    }

    /** Everything, in the order the file benchmark has always printed it. */
    void run(int runs) {
        firstPages(runs);
        count("*");
        count(QueryBenchmark.SELECTIVE);
        aggregations();
    }

    private void firstPages(int runs) {
        report.line("");
        report.line("First page of 100, newest first:");
        firstPage(QueryBenchmark.SELECTIVE, Duration.ofHours(1), runs);
        firstPage("*", Duration.ofDays(1), runs);
        firstPage(QueryBenchmark.SELECTIVE, Duration.ofDays(1), 3);
        firstPage(QueryBenchmark.RARE, Duration.ofDays(1), 3);
    }

    /** The first run apart: the file store counts the lines of the files it reads then, which later runs remember. */
    private void firstPage(String query, Duration last, int runs) {
        Search search = search(query, last, 100);
        List<Double> millis = new ArrayList<>();
        double first = 0;
        int found = 0;
        for (int i = 0; i <= runs; i++) {
            long start = System.nanoTime();
            Page page = store.search(search);
            double ms = (System.nanoTime() - start) / 1e6;
            found = page.events().size();
            if (i == 0) {
                first = ms;
            } else {
                millis.add(ms);
            }
        }
        Collections.sort(millis);
        report.line(String.format(Locale.ROOT, "  %s over the last %s: first run %.0f ms, then median %.0f ms, max %.0f ms"
                + " of %d runs (%d events)", query, last.toHours() + " h", first, millis.get(millis.size() / 2),
                millis.get(millis.size() - 1), runs, found));
    }

    private void count(String query) {
        Search search = search(query, Duration.ofDays(1), 1);
        long start = System.nanoTime();
        long count = store.count(search);
        double s = seconds(start);
        report.line("");
        report.line(String.format(Locale.ROOT, "count of %s over the day: %,d in %.2f s, %,.0f events scanned/s",
                query, count, s, events / s));
    }

    /** The fields of the last hour's events, and the day's most frequent paths. */
    private void aggregations() {
        long start = System.nanoTime();
        int fields = store.fields(search("*", Duration.ofHours(1), 1)).size();
        report.line("");
        report.line(String.format(Locale.ROOT, "fields of the last hour's events: %d names in %.2f s", fields,
                seconds(start)));
        start = System.nanoTime();
        List<ValueCount> paths = store.facet(search("*", Duration.ofDays(1), 1), "json.path", 5);
        report.line(String.format(Locale.ROOT, "facet json.path over the day, top 5: %.2f s (top: %s %,d)",
                seconds(start), paths.get(0).value(), paths.get(0).count()));
    }

    private static Search search(String query, Duration last, int size) {
        return Search.of(QueryBenchmark.DATASET, QueryParser.parse(query), QueryBenchmark.END.minus(last),
                QueryBenchmark.END, Order.DESC, size);
    }

    static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
