// Once start-up is done, one full collection the way V8 answers a low-memory notification ("last resort"): besides
// the garbage of loading, it shrinks the young generation, which grew to its 16 MiB halves while the modules
// loaded, and returns the freed pages. RSS 3 s after start: 170 -> 138 MiB (docs/performance.md). The young
// generation grows again only when the load needs it, so nothing is capped. The collector comes from a fresh vm
// context made while --expose-gc is set for that moment only: no `gc` global is ever visible to the app's code.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

type GcFunction = (options: { type: "major"; execution: "sync"; flavor: "last-resort" }) => void;

/**
 * a last-resort collection now (a few hundred ms at most; call it before the server listens). A runtime that gives
 * a new context no `gc` (or refuses the options) skips it: it saves memory, nothing depends on it
 */
export function releaseStartUpMemory(): void {
  setFlagsFromString("--expose-gc");
  try {
    (runInNewContext("gc") as GcFunction)({ type: "major", execution: "sync", flavor: "last-resort" });
  } catch {
    // no collector here: start without it
  } finally {
    setFlagsFromString("--no-expose-gc");
  }
}
