// Entry point: check the Node version, then load config, build the context and the app, listen, and shut down
// gracefully on SIGTERM/SIGINT.
import { nodeVersionProblem } from "./node-version.ts";

const problem = nodeVersionProblem();
if (problem) {
  console.error(problem);
  process.exit(1);
}

// tracing (lib/tracing.ts) only with an OTLP endpoint, and before the server's modules: it patches them as they load
const { startTracing } = await import("./lib/tracing.ts");
const tracing = await startTracing(process.env);

const { startServer } = await import("./server.ts");
await startServer(process.env, tracing ? { flush: tracing.shutdown } : {});
