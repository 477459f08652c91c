// Entry point: check the Node version, then load config, build the context and the app, listen, and shut down
// gracefully on SIGTERM/SIGINT.
import { nodeVersionProblem } from "./node-version.ts";

const problem = nodeVersionProblem();
if (problem) {
  console.error(problem);
  process.exit(1);
}

const { startServer } = await import("./server.ts");
await startServer();
