-- wrk script of the edge benchmark: POSTs the file $BODY_FILE on every request, with the edge's token, the
-- Content-Type $CONTENT_TYPE (default application/x-ndjson) and, when $CONTENT_ENCODING is set, that Content-Encoding. Prints one WRK_RESULT line (latency in microseconds), the same
-- figures as ../shared/bench/peer-nginx-kafka/wrk/post-batch.lua prints for the peer.
local f = assert(io.open(os.getenv("BODY_FILE"), "rb"))
local body = f:read("*a")
f:close()

wrk.method = "POST"
wrk.body = body
local content_type = os.getenv("CONTENT_TYPE")
wrk.headers["Content-Type"] = (content_type and content_type ~= "") and content_type or "application/x-ndjson"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
local encoding = os.getenv("CONTENT_ENCODING")
if encoding and encoding ~= "" then
    wrk.headers["Content-Encoding"] = encoding
end

-- With $DELAY_MS, each connection waits that long before each request: a paced load below the peak.
local delay_ms = tonumber(os.getenv("DELAY_MS") or "")
if delay_ms and delay_ms > 0 then
    function delay()
        return delay_ms
    end
end

function done(summary, latency, requests)
    local e = summary.errors
    io.write(string.format(
        "WRK_RESULT requests=%d duration_us=%d non2xx=%d connect_err=%d read_err=%d write_err=%d timeouts=%d p50_us=%d p99_us=%d p999_us=%d\n",
        summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
        latency:percentile(50), latency:percentile(99), latency:percentile(99.9)))
end
