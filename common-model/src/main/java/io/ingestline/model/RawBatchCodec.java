package io.ingestline.model;

import static io.ingestline.model.IngestHeaders.get;
import static io.ingestline.model.IngestHeaders.put;

import java.time.Instant;
import org.apache.kafka.common.header.Headers;

/**
 * Writes a {@link RawBatch}'s metadata to record headers and reads it back. The headers: {@code ingest.v},
 * {@code ingest.format}, {@code ingest.batch}, {@code ingest.part}, {@code ingest.count}, {@code ingest.dialect},
 * {@code ingest.dataset} or {@code ingest.dcr} + {@code ingest.stream}, {@code ingest.token}, {@code ingest.received},
 * and when present {@code ingest.request} (see {@link IngestHeaders}).
 */
public final class RawBatchCodec {
    private RawBatchCodec() {
    }

    public static void writeHeaders(RawBatch batch, Headers headers) {
        BatchContext c = batch.context();
        put(headers, IngestHeaders.VERSION, IngestHeaders.CONTRACT_VERSION);
        put(headers, IngestHeaders.FORMAT, IngestHeaders.FORMAT_NDJSON);
        put(headers, IngestHeaders.BATCH, batch.batchId());
        put(headers, IngestHeaders.PART, batch.part() + "/" + batch.parts());
        put(headers, IngestHeaders.COUNT, Integer.toString(batch.eventCount()));
        put(headers, IngestHeaders.DIALECT, c.dialect().wireName());
        if (c.target() instanceof BatchTarget.Dataset d) {
            put(headers, IngestHeaders.DATASET, d.name());
        } else if (c.target() instanceof BatchTarget.Stream s) {
            put(headers, IngestHeaders.DCR, s.dcrImmutableId());
            put(headers, IngestHeaders.STREAM, s.stream());
        }
        put(headers, IngestHeaders.TOKEN, c.tokenId());
        put(headers, IngestHeaders.RECEIVED, Long.toString(c.receivedAt().toEpochMilli()));
        if (c.requestId() != null) {
            put(headers, IngestHeaders.REQUEST, c.requestId());
        }
    }

    /** Reads a raw batch from a record's headers and value; a record that breaks the contract throws. */
    public static RawBatch read(Headers headers, byte[] value) {
        String version = get(headers, IngestHeaders.VERSION);
        if (!IngestHeaders.CONTRACT_VERSION.equals(version)) {
            throw new ContractException("unsupported raw batch contract version: " + version);
        }
        String format = get(headers, IngestHeaders.FORMAT);
        if (!IngestHeaders.FORMAT_NDJSON.equals(format)) {
            throw new ContractException("unsupported raw batch format: " + format);
        }
        if (value == null) {
            throw new ContractException("raw batch without a value");
        }
        try {
            String[] part = required(headers, IngestHeaders.PART).split("/", 2);
            BatchContext context = new BatchContext(
                    Dialect.fromWireName(required(headers, IngestHeaders.DIALECT)),
                    target(headers),
                    required(headers, IngestHeaders.TOKEN),
                    get(headers, IngestHeaders.REQUEST),
                    Instant.ofEpochMilli(Long.parseLong(required(headers, IngestHeaders.RECEIVED))));
            return new RawBatch(
                    required(headers, IngestHeaders.BATCH),
                    Integer.parseInt(part[0]),
                    part.length == 2 ? Integer.parseInt(part[1]) : -1,
                    context,
                    Integer.parseInt(required(headers, IngestHeaders.COUNT)),
                    value);
        } catch (ContractException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ContractException("malformed raw batch headers: " + e.getMessage(), e);
        }
    }

    private static BatchTarget target(Headers headers) {
        String dataset = get(headers, IngestHeaders.DATASET);
        if (dataset != null) {
            return new BatchTarget.Dataset(dataset);
        }
        String dcr = get(headers, IngestHeaders.DCR);
        String stream = get(headers, IngestHeaders.STREAM);
        if (dcr != null && stream != null) {
            return new BatchTarget.Stream(dcr, stream);
        }
        throw new ContractException("raw batch names neither a dataset nor a DCR stream");
    }

    private static String required(Headers headers, String name) {
        String v = get(headers, name);
        if (v == null) {
            throw new ContractException("raw batch without header " + name);
        }
        return v;
    }
}
