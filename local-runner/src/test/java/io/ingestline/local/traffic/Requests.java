package io.ingestline.local.traffic;

import com.github.luben.zstd.Zstd;
import io.ingestline.local.traffic.Ledger.Fate;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/**
 * Random requests of every dialect, as real clients send them: event times spread over 30 days back and a few
 * minutes ahead, sizes from a few bytes to the dialect's event limit, gzip, zstd and plain bodies, bad events inside
 * good batches, and now and then a request that must be refused whole (a wrong token, a corrupt body).
 */
final class Requests {
    /** The datasets that Axiom and Baselime requests name; the first has a dataset rule with a typed column. */
    static final List<String> DATASETS = List.of("rt-00", "rt-01", "rt-02", "rt-03", "rt-04", "rt-05", "rt-06",
            "rt-07", "rt-08", "rt-09", "rt-10", "rt-11");
    static final String RULED = "rt-00";
    static final String LOGGLY = "rt-loggly";
    static final String ASTRA = "rt-astra";
    static final String ASTRA_P1 = "rt-astra-p1";
    static final String DCR = "dcr-0000realtraffic0000000000000001";
    static final String STREAM = "Custom-RtRaw";
    static final String DCR_DATASET = "RtTable_CL";
    /** The edge's event limit (INGEST_MAX_RECORD_BYTES) less room for the raw batch's own bytes. */
    static final int EVENT_LIMIT = 880_000;
    private static final int REQUEST_BUDGET = 3 << 20;

    /** One event of a request: where it should land and whether it is meant to be refused. */
    record Planned(long uid, String dataset, Kind kind) {
    }

    enum Kind { GOOD, EDGE_BAD, INVALID }

    /** A request ready to send, with its events and how to read its answer. */
    record Sent(String dialect, HttpRequest request, List<Planned> events, boolean refusedWhole) {
        /**
         * The fate of each event given the answer: 2xx, or Baselime's partial acceptance (a 400 that lists the
         * refused events under {@code invalid} while the others land), stores the good ones; another 4xx (Azure,
         * AstraLog and Loggly store a request whole or not at all) or a 500 stores nothing; 503, 429 and lost
         * connections leave it open.
         */
        Fate fate(Planned e, int status, String body) {
            if (e.kind() == Kind.EDGE_BAD || refusedWhole) {
                return Fate.NEVER;
            }
            boolean accepted = status / 100 == 2 || (status == 400 && partial(body));
            if (accepted) {
                return e.kind() == Kind.GOOD ? Fate.STORE : Fate.DEAD_LETTER;
            }
            if (status == 503 || status == 429 || status < 0) {
                return Fate.MAYBE;
            }
            return Fate.NEVER;
        }

        private boolean partial(String body) {
            boolean someBad = events.stream().anyMatch(e -> e.kind() == Kind.EDGE_BAD);
            return someBad && dialect.equals("baselime") && body.contains("\"invalid\"");
        }

        long edgeBad() {
            return events.stream().filter(e -> e.kind() == Kind.EDGE_BAD).count();
        }
    }

    private final Random random;
    private final Ledger ledger;
    private final String base;
    private final String token;

    Requests(Random random, Ledger ledger, String base, String token) {
        this.random = random;
        this.ledger = ledger;
        this.base = base;
        this.token = token;
    }

    Sent next() {
        int d = random.nextInt(100);
        if (d < 35) {
            return axiom();
        } else if (d < 55) {
            return baselime();
        } else if (d < 70) {
            return azure();
        } else if (d < 85) {
            return astraLog();
        }
        return loggly();
    }

    // ---- dialects ----

    private Sent axiom() {
        String dataset = DATASETS.get(random.nextInt(DATASETS.size()));
        boolean ndjson = random.nextBoolean();
        List<Planned> events = new ArrayList<>();
        StringBuilder body = new StringBuilder(ndjson ? "" : "[");
        int n = count();
        int budget = REQUEST_BUDGET;
        for (int i = 0; i < n && budget > 0; i++) {
            String sep = ndjson ? (i == 0 ? "" : "\n") : (i == 0 ? "" : ",");
            int bad = random.nextInt(100);
            if (bad < 2) {
                long uid = ledger.newUid();
                events.add(new Planned(uid, dataset, Kind.EDGE_BAD));
                body.append(sep).append(ndjson ? "42" : "\"not an object " + Ledger.marker(uid) + "\"");
                continue;
            }
            if (bad < 4) {
                long uid = ledger.newUid();
                events.add(new Planned(uid, dataset, Kind.EDGE_BAD));
                body.append(sep).append("{\"uid\":\"").append(Ledger.marker(uid)).append("\",\"_time\":\"yesterday-ish\"}");
                continue;
            }
            Planned e = planned(dataset);
            String json = event(e, "_time", iso(time()), random.nextInt(8) == 0 ? EVENT_LIMIT : 65_536);
            budget -= json.length();
            events.add(e);
            body.append(sep).append(json);
        }
        if (!ndjson) {
            body.append(']');
        }
        String path = random.nextBoolean() ? "/v1/datasets/" + dataset + "/ingest" : "/v1/ingest/" + dataset;
        return encoded("axiom", base + path, body.toString(), ndjson ? "application/x-ndjson" : "application/json",
                "Authorization", "Bearer ", events, true);
    }

    private Sent baselime() {
        String dataset = DATASETS.get(random.nextInt(DATASETS.size()));
        List<Planned> events = new ArrayList<>();
        StringBuilder body = new StringBuilder("[");
        int n = count();
        int budget = REQUEST_BUDGET;
        for (int i = 0; i < n && budget > 0; i++) {
            String sep = i == 0 ? "" : ",";
            if (random.nextInt(100) < 3) {
                long uid = ledger.newUid();
                events.add(new Planned(uid, dataset, Kind.EDGE_BAD));
                body.append(sep).append("\"not an object ").append(Ledger.marker(uid)).append('"');
                continue;
            }
            Planned e = planned(dataset);
            String json = event(e, "_time", iso(time()), 250_000);
            budget -= json.length();
            events.add(e);
            body.append(sep).append(json);
        }
        String path = "/v1/" + dataset + (random.nextBoolean() ? "/svc-" + random.nextInt(3) + "/ns" : "");
        return encoded("baselime", base + path, body.append(']').toString(), "application/json", "x-api-key", "",
                events, true);
    }

    private Sent azure() {
        List<Planned> events = new ArrayList<>();
        StringBuilder body = new StringBuilder("[");
        int n = count();
        int budget = 900_000; // the SDKs send at most 1 MB a call
        for (int i = 0; i < n && budget > 0; i++) {
            String sep = i == 0 ? "" : ",";
            long uid = ledger.newUid();
            if (random.nextInt(100) < 3) {
                events.add(new Planned(uid, DCR_DATASET, Kind.EDGE_BAD));
                body.append(sep).append("\"not a record ").append(Ledger.marker(uid)).append('"');
                continue;
            }
            events.add(new Planned(uid, DCR_DATASET, Kind.GOOD));
            String row = "{\"Time\":\"" + iso(time()) + "\",\"Uid\":\"" + Ledger.marker(uid) + "\",\"Computer\":\"host-"
                    + random.nextInt(50) + "\",\"Msg\":\"" + filler(size(Math.min(budget, 200_000))) + "\"}";
            budget -= row.length();
            body.append(sep).append(row);
        }
        return encoded("azure", base + "/dataCollectionRules/" + DCR + "/streams/" + STREAM + "?api-version=2023-01-01",
                body.append(']').toString(), "application/json", "Authorization", "Bearer ", events, false);
    }

    private Sent astraLog() {
        List<Planned> events = new ArrayList<>();
        StringBuilder body = new StringBuilder("{\"logs\":[");
        int n = count();
        int budget = REQUEST_BUDGET;
        for (int i = 0; i < n && budget > 0; i++) {
            String sep = i == 0 ? "" : ",";
            boolean p1 = random.nextBoolean();
            long uid = ledger.newUid();
            String dataset = p1 ? ASTRA_P1 : ASTRA;
            boolean bad = random.nextInt(100) < 3;
            events.add(new Planned(uid, dataset, bad ? Kind.EDGE_BAD : Kind.GOOD));
            String msg = filler(size(Math.min(budget, EVENT_LIMIT - 400)));
            budget -= msg.length();
            body.append(sep).append("{\"project_id\":\"").append(p1 ? "p1" : "p-other").append("\",\"timestamp\":\"")
                    .append(iso(time())).append('"').append(bad ? "" : ",\"level\":\"info\"")
                    .append(",\"service\":\"api\",\"message\":\"").append(Ledger.marker(uid)).append(' ').append(msg)
                    .append("\",\"metadata\":{\"n\":").append(random.nextInt()).append("}}");
        }
        return plain("astralog", base + "/v1/drain", body.append("]}").toString(), "Authorization", token, events);
    }

    private Sent loggly() {
        List<Planned> events = new ArrayList<>();
        if (random.nextInt(4) == 0) {
            Planned e = planned(LOGGLY, false);
            String text = random.nextBoolean() ? event(e, "_time", iso(time()), 200_000)
                    : "plain text " + Ledger.marker(e.uid()) + " " + filler(size(20_000));
            return plain("loggly", base + "/inputs/" + token + "/tag/rt,single/", text, null, null, List.of(e));
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int n = count();
        int budget = 4 << 20;
        for (int i = 0; i < n && budget > 0; i++) {
            long uid;
            byte[] line;
            if (random.nextInt(100) < 3) {
                uid = ledger.newUid();
                events.add(new Planned(uid, LOGGLY, Kind.EDGE_BAD));
                // text that is not UTF-8: refused alone
                line = concat(("broken " + Ledger.marker(uid) + " ").getBytes(StandardCharsets.UTF_8),
                        new byte[] {(byte) 0xff, (byte) 0xfe, 'x'});
            } else {
                Planned e = planned(LOGGLY, false);
                events.add(e);
                String text = random.nextBoolean() ? event(e, "_time", iso(time()), 200_000)
                        : "text line " + Ledger.marker(e.uid()) + " " + filler(size(5_000));
                line = text.getBytes(StandardCharsets.UTF_8);
            }
            budget -= line.length;
            body.writeBytes(line);
            body.write('\n');
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/bulk/" + token + "/tag/rt,bulk/"))
                .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
        return new Sent("loggly", b.build(), events, false);
    }

    // ---- bodies ----

    /** Plain, gzip or zstd (a few of each: corrupt, or with a wrong token, so refused whole). */
    private Sent encoded(String dialect, String url, String body, String contentType, String authHeader,
            String scheme, List<Planned> events, boolean zstd) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", contentType);
        int enc = random.nextInt(zstd ? 3 : 2);
        if (enc == 1) {
            bytes = gzip(bytes);
            b.header("Content-Encoding", "gzip");
        } else if (enc == 2) {
            bytes = Zstd.compress(bytes, 1);
            b.header("Content-Encoding", "zstd");
        }
        int whole = random.nextInt(100);
        boolean refused = false;
        String secret = token;
        if (whole < 2) {
            secret = token + "-wrong";
            refused = true;
        } else if (whole < 4 && enc != 0) {
            bytes = Arrays.copyOf(bytes, Math.max(1, bytes.length / 2)); // truncated compressed stream
            refused = true;
        }
        b.header(authHeader, scheme + secret).POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
        return new Sent(dialect, b.build(), events, refused);
    }

    private Sent plain(String dialect, String url, String body, String authHeader, String secret,
            List<Planned> events) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authHeader != null) {
            b.header(authHeader, secret);
        }
        return new Sent(dialect, b.build(), events, false);
    }

    // ---- events ----

    private Planned planned(String dataset) {
        return planned(dataset, dataset.equals(RULED));
    }

    /** A good event, or (where the dataset's rule declares {@code status} an int) one the validator refuses. */
    private Planned planned(String dataset, boolean ruled) {
        long uid = ledger.newUid();
        return new Planned(uid, dataset, ruled && random.nextInt(100) < 5 ? Kind.INVALID : Kind.GOOD);
    }

    private String event(Planned e, String timeField, String time, int maxBytes) {
        StringBuilder s = new StringBuilder("{\"uid\":\"").append(Ledger.marker(e.uid())).append('"');
        if (random.nextInt(4) != 0) {
            s.append(",\"").append(timeField).append("\":\"").append(time).append('"');
        }
        if (e.dataset().equals(RULED)) {
            s.append(",\"status\":").append(e.kind() == Kind.INVALID ? "\"three\"" : Integer.toString(200 + random.nextInt(400)));
        }
        int shape = random.nextInt(4);
        if (shape >= 1) {
            s.append(",\"level\":\"").append(random.nextBoolean() ? "info" : "error").append("\",\"n\":")
                    .append(random.nextLong()).append(",\"x\":").append(random.nextDouble());
        }
        if (shape >= 2) {
            s.append(",\"ctx\":{\"a\":[1,2,{\"b\":null}],\"u\":\"\\u00e9\\n\\t\"}");
        }
        if (shape == 3) {
            s.append(",\"msg\":\"").append(filler(size(maxBytes - s.length() - 20))).append('"');
        }
        return s.append('}').toString();
    }

    /** Sizes from a few bytes to the limit, most of them small, as logs are. */
    private int size(int max) {
        int r = random.nextInt(1000);
        int n;
        if (r < 600) {
            n = random.nextInt(64);
        } else if (r < 900) {
            n = 64 + random.nextInt(2_000);
        } else if (r < 997) {
            n = 2_000 + random.nextInt(30_000);
        } else {
            n = 64_000 + random.nextInt(Math.max(1, EVENT_LIMIT - 64_000));
        }
        return Math.max(0, Math.min(n, max));
    }

    private int count() {
        int r = random.nextInt(10);
        return r < 3 ? 1 + random.nextInt(5) : r < 9 ? 5 + random.nextInt(150) : 150 + random.nextInt(600);
    }

    private String filler(int n) {
        char[] c = new char[n];
        for (int i = 0; i < n; i++) {
            c[i] = (char) ('a' + random.nextInt(26));
        }
        return new String(c);
    }

    /** Most events are recent; some arrive hours or days late, a few from the near future. */
    private Instant time() {
        Instant now = Instant.now();
        int r = random.nextInt(100);
        if (r < 60) {
            return now.minusMillis(random.nextInt(600_000));
        } else if (r < 85) {
            return now.minusSeconds(random.nextInt(48 * 3600));
        } else if (r < 97) {
            return now.minusSeconds(random.nextInt(30 * 86_400));
        }
        return now.plusSeconds(random.nextInt(300));
    }

    private static String iso(Instant t) {
        return t.truncatedTo(ChronoUnit.MILLIS).toString();
    }

    private static byte[] gzip(byte[] in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
