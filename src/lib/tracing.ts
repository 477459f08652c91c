// OpenTelemetry tracing, off unless OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set.
// main.ts loads this module (and with it the SDK) only then, before the server's own modules, because the
// instrumentations patch `http`, `pg` and `ioredis` as they are imported (an ESM loader hook, registered here
// for those modules only). Spans: every HTTP request in and out, each Postgres query and Redis command made
// inside one, and the login flow's steps (lib/spans.ts). Exported in batches over OTLP/HTTP (JSON).
// No secrets in attributes: query strings are dropped from URLs and token segments of paths redacted (emailed
// links carry tokens in both), SQL keeps its $1 placeholders without the values, Redis spans name the command
// only (keys hold session and token ids), and no header is recorded.
import { register } from "node:module";
import type { ClientRequest, IncomingMessage } from "node:http";
import { redactedPath } from "./redact-path.ts";

const INSTRUMENTED = ["http", "https", "node:http", "node:https", "pg", "pg-pool", "ioredis"];
/** requests nobody wants a trace of: probes and scrapes */
const QUIET = new Set(["/healthz", "/readyz", "/metrics"]);

export type Tracing = { shutdown(): Promise<void> };

const pathOf = (url: string | undefined) => redactedPath((url ?? "/").split("?")[0] || "/");

/** the URL attributes the http instrumentation sets, without their query strings */
function redactUrls(span: { setAttribute(key: string, value: string): unknown }, path: string, full?: string): void {
  span.setAttribute("http.target", path);
  span.setAttribute("url.path", path);
  span.setAttribute("url.query", "");
  if (full) {
    span.setAttribute("http.url", full);
    span.setAttribute("url.full", full);
  }
}

/** endpoint of the traces exporter, or null: tracing off */
export function tracesEndpoint(env: NodeJS.ProcessEnv): string | null {
  if (env.OTEL_SDK_DISABLED === "true") return null;
  if (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (env.OTEL_EXPORTER_OTLP_ENDPOINT) return `${env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, "")}/v1/traces`;
  return null;
}

export async function startTracing(env: NodeJS.ProcessEnv = process.env): Promise<Tracing | null> {
  const url = tracesEndpoint(env);
  if (!url) return null;
  register("@opentelemetry/instrumentation/hook.mjs", import.meta.url, { data: { include: INSTRUMENTED } });
  const [
    api,
    { TracerProvider, BatchSpanProcessor },
    { AsyncLocalStorageContextManager },
    { W3CTraceContextPropagator },
    { OTLPTraceExporter },
    { resourceFromAttributes },
    inst,
    { HttpInstrumentation },
    { PgInstrumentation },
    { IORedisInstrumentation },
  ] = await Promise.all([
    import("@opentelemetry/api"),
    import("@opentelemetry/sdk-trace"),
    import("@opentelemetry/context-async-hooks"),
    import("@opentelemetry/core"),
    import("@opentelemetry/exporter-trace-otlp-http"),
    import("@opentelemetry/resources"),
    import("@opentelemetry/instrumentation"),
    import("@opentelemetry/instrumentation-http"),
    import("@opentelemetry/instrumentation-pg"),
    import("@opentelemetry/instrumentation-ioredis"),
  ]);
  const delay = Number(env.OTEL_BSP_SCHEDULE_DELAY) || 5000;
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ "service.name": env.OTEL_SERVICE_NAME || "gatehouse" }),
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url }), scheduledDelayMillis: delay })],
  });
  api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  api.propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  api.trace.setGlobalTracerProvider(provider);
  inst.registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req: IncomingMessage) => QUIET.has(pathOf(req.url)),
        // (the exporter's own requests are not traced: it suppresses tracing for them)
        requestHook: (span, req) => {
          if ("httpVersion" in req) return redactUrls(span, pathOf(req.url)); // a request to us
          const out = req as ClientRequest;
          redactUrls(span, pathOf(out.path), `${out.protocol}//${out.host}${pathOf(out.path)}`);
        },
        headersToSpanAttributes: {
          server: { requestHeaders: [], responseHeaders: [] },
          client: { requestHeaders: [], responseHeaders: [] },
        },
      }),
      new PgInstrumentation({ requireParentSpan: true, enhancedDatabaseReporting: false }),
      new IORedisInstrumentation({ requireParentSpan: true, dbStatementSerializer: (command: string) => command }),
    ],
  });
  return { shutdown: () => provider.shutdown() };
}
