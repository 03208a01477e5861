package io.ingestline.edge.ingest;

import io.ingestline.edge.kafka.RawBatchPublisher;
import io.ingestline.model.BatchContext;
import io.ingestline.model.BatchTarget;
import io.ingestline.model.RawBatch;
import io.ingestline.model.RawBatchBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Dialect-neutral ingest: decodes and reads a body into canonical events (on the calling thread, as the body
 * arrives), then publishes them and completes once Kafka acknowledged every one, or fails after the publish timeout.
 * An {@link IngestRequest#allOrNothing()} request with a refused event publishes nothing. The decoded bytes count
 * against the node's {@link InFlightBytes} until then.
 */
public final class Ingestor {
    private final RawBatchPublisher publisher;
    private final InFlightBytes inFlight;
    private final long maxRequestBytes;
    private final int maxRecordBytes;
    private final Duration publishTimeout;
    private final DatasetGate datasets;

    /** An ingestor for a broker that creates the topics it is sent to (tests, benchmarks). */
    public Ingestor(RawBatchPublisher publisher, InFlightBytes inFlight, long maxRequestBytes, int maxRecordBytes,
            Duration publishTimeout) {
        this(publisher, inFlight, maxRequestBytes, maxRecordBytes, publishTimeout, DatasetGate.OPEN);
    }

    /** @param datasets lets a request publish once the datasets it writes to exist */
    public Ingestor(RawBatchPublisher publisher, InFlightBytes inFlight, long maxRequestBytes, int maxRecordBytes,
            Duration publishTimeout, DatasetGate datasets) {
        this.datasets = datasets;
        this.publisher = publisher;
        this.inFlight = inFlight;
        this.maxRequestBytes = maxRequestBytes;
        this.maxRecordBytes = maxRecordBytes;
        this.publishTimeout = publishTimeout;
    }

    /**
     * Reads the request, then publishes it.
     *
     * @throws BadBodyException, UnreadableBodyException, BodyTooLargeException,
     *         BodyFormat.UnsupportedFormatException, InFlightBytes.NodeBusyException: before anything was published
     */
    public CompletableFuture<IngestOutcome> ingest(IngestRequest request) {
        long limit = request.maxBodyBytes() > 0 ? Math.min(maxRequestBytes, request.maxBodyBytes()) : maxRequestBytes;
        Budgeted body = new Budgeted(BodyDecoder.decode(request.body(), request.contentEncoding(), limit));
        List<RawBatch> batches;
        EventWriter events;
        try (body) {
            // An NDJSON body whose events need no change becomes a payload of its own size.
            RawBatchBuilder builder = new RawBatchBuilder(maxRecordBytes,
                    (int) Math.min(maxRecordBytes, Math.max(0, request.bodyLength())));
            events = new EventWriter(builder, request.events());
            read(request, body, events);
            batches = new ArrayList<>(builder.build(request.context()));
            BatchContext c = request.context();
            events.routed().forEach((dataset, routed) -> batches.addAll(routed.build(new BatchContext(c.dialect(),
                    new BatchTarget.Dataset(dataset), c.tokenId(), c.requestId(), c.receivedAt()))));
            body.releaseExtra();
        } catch (IOException e) {
            body.releaseAll();
            throw new UncheckedIOException("cannot read the request body", e);
        } catch (RuntimeException e) {
            body.releaseAll();
            throw e;
        }
        if (request.maxRecordsBytes() > 0) {
            // a body of N records holds N - 1 commas and two brackets besides them (more only if it is spaced out)
            long records = body.count - (events.accepted() + events.failures().size()) - 1;
            if (records > request.maxRecordsBytes()) {
                body.releaseAll();
                throw new BodyTooLargeException("the request's records are", request.maxRecordsBytes());
            }
        }
        boolean withhold = request.allOrNothing() && !events.failures().isEmpty();
        if (withhold) {
            batches.clear();
        }
        IngestOutcome outcome = new IngestOutcome(withhold ? 0 : events.accepted(), withhold ? events.accepted() : 0,
                events.failures(), body.count);
        CompletableFuture<Void> open = batches.isEmpty() ? CompletableFuture.completedFuture(null)
                : datasets.ready(request.context().tokenId(),
                        batches.stream().map(b -> b.context().target()).distinct().toList());
        // A dataset being created completes on a Kafka client's thread, where a send blocked on an unreachable broker
        // must not run; a known one (the usual case) publishes here, on the request's thread, as before.
        CompletableFuture<Void> acked = open.isDone() ? open.thenCompose(v -> publish(batches))
                : open.thenComposeAsync(v -> publish(batches));
        return acked.whenComplete((ok, error) -> body.releaseAll())
                .thenApply(ok -> outcome);
    }

    private CompletableFuture<Void> publish(List<RawBatch> batches) {
        long start = System.nanoTime();
        CompletableFuture<Void> acked = publisher.publish(batches);
        // send() may have blocked (Kafka unreachable): what is left of the timeout bounds the wait for the acks.
        long left = Math.max(1, publishTimeout.toMillis() - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        return acked.orTimeout(left, TimeUnit.MILLISECONDS);
    }

    /**
     * NDJSON and CSV are read as streams, a buffer at a time. A JSON body is one value, so it is read whole first (so
     * that events needing no rewrite are taken as their bytes); it then counts twice against the in-flight budget
     * until its events are built.
     */
    private static void read(IngestRequest r, Budgeted body, EventWriter events) throws IOException {
        switch (r.format()) {
            case JSON, JSON_ARRAY, JSON_LOGS -> {
                byte[] whole = body.stream().readAllBytes();
                body.holdExtra(whole.length);
                switch (r.format()) {
                    case JSON_ARRAY -> JsonBodyReader.readArray(whole, events);
                    case JSON_LOGS -> JsonBodyReader.readMember(whole, "logs", events);
                    default -> JsonBodyReader.read(whole, events);
                }
            }
            case OTLP_PROTOBUF, OTLP_JSON -> {
                // the records are read from the whole message; the events made from them are built alongside it
                byte[] whole = body.stream().readAllBytes();
                body.holdExtra(whole.length);
                OtlpBodyReader.read(whole, r.format() == BodyFormat.OTLP_JSON, r.context().receivedAt(), events);
            }
            case LINES -> LinesBodyReader.read(body.stream(), events, r.events().maxEventBytes(), false);
            case TEXT -> LinesBodyReader.read(body.stream(), events, r.events().maxEventBytes(), true);
            case NDJSON -> NdjsonBodyReader.read(body.stream(), events, r.events().maxEventBytes());
            case CSV -> CsvBodyReader.read(body.stream(), events, r.csvFields(), r.csvDelimiter(),
                    r.events().maxEventBytes());
            default -> throw new IllegalStateException(r.format().name());
        }
    }

    /**
     * A request's hold on the node's in-flight budget: the decoded bytes read so far, plus the whole of a JSON body
     * while its events are copied out of it.
     */
    private final class Budgeted implements AutoCloseable {
        private final InputStream stream;
        private long count;
        private long extra;
        private boolean released;

        Budgeted(InputStream decoded) {
            this.stream = new MeteredInputStream(decoded, this::take);
        }

        InputStream stream() {
            return stream;
        }

        private void take(long n) {
            inFlight.acquire(n);
            count += n;
        }

        /** Counts bytes held besides what was read (a whole body kept while its events are copied). */
        void holdExtra(long n) {
            inFlight.acquire(n);
            extra += n;
        }

        /** Gives back the extra once the events are built. */
        void releaseExtra() {
            inFlight.release(extra);
            extra = 0;
        }

        synchronized void releaseAll() {
            if (!released) {
                released = true;
                inFlight.release(count + extra);
                extra = 0;
            }
        }

        @Override
        public void close() throws IOException {
            stream.close();
        }
    }
}
