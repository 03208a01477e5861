// Sends RECORDS log records through OpenTelemetry's JavaScript logs SDK and its OTLP/HTTP exporter (JSON), unmodified
// but for the endpoint and headers, and exits 0 once they were exported. Settings from the environment: OTLP_URL,
// OTLP_TOKEN, OTLP_DATASET, RECORDS.
const api = require('@opentelemetry/api');
const { SeverityNumber } = require('@opentelemetry/api-logs');
const { LoggerProvider, BatchLogRecordProcessor } = require('@opentelemetry/sdk-logs');
const { OTLPLogExporter } = require('@opentelemetry/exporter-logs-otlp-http');
const { resourceFromAttributes } = require('@opentelemetry/resources');

async function main() {
  const exporter = new OTLPLogExporter({
    url: process.env.OTLP_URL,
    headers: { Authorization: 'Bearer ' + process.env.OTLP_TOKEN, 'X-Ingest-Dataset': process.env.OTLP_DATASET },
  });
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'checkout-js', 'deployment.environment': 'it' }),
    processors: [new BatchLogRecordProcessor({ exporter, maxExportBatchSize: 20 })],
  });
  const logger = provider.getLogger('com.example.checkout-js', '0.9');
  const traced = api.trace.setSpanContext(api.context.active(), {
    traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174', traceFlags: api.TraceFlags.SAMPLED,
  });
  const records = Number(process.env.RECORDS);
  for (let i = 0; i < records; i++) {
    logger.emit({
      timestamp: [1733356800, i], severityNumber: SeverityNumber.WARN, severityText: 'WARN', body: 'order ' + i,
      attributes: { 'order.id': i, 'http.method': 'POST' }, context: traced,
    });
  }
  await provider.forceFlush();
  await provider.shutdown();
  console.log('exported ' + records);
}

main().catch((e) => { console.error(e); process.exit(1); });
