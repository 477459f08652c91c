// METRICS_PORT: a management listener that answers GET /metrics and nothing else (404), for scrapers on a port
// the public proxy does not forward. The single process serves its own metrics; with WORKERS > 1 the primary
// serves the sum over the workers (cluster-metrics.ts).
import http from "node:http";

export async function serveMetricsPort(opts: {
  port: number;
  host: string;
  text(): Promise<string>;
  contentType: string;
}): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? "").split("?")[0];
    if (path !== "/metrics" || (req.method !== "GET" && req.method !== "HEAD")) {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("not found\n");
      return;
    }
    opts.text().then(
      (body) => res.writeHead(200, { "content-type": opts.contentType }).end(req.method === "HEAD" ? undefined : body),
      () => res.writeHead(503, { "content-type": "text/plain; charset=utf-8" }).end("metrics unavailable\n"),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  server.unref();
  return server;
}
