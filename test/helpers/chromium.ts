// Launches Debian's chromium through playwright-core for the browser tests. A missing chromium is an error with
// the command that installs it, never a silently skipped test.
import { execFileSync } from "node:child_process";
import { chromium, type Browser } from "playwright-core";

const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** the path `which chromium` prints, or a clear error */
export function chromiumPath(): string {
  let path = "";
  try {
    path = execFileSync("which", ["chromium"], { encoding: "utf8" }).trim();
  } catch {
    // `which` exits non-zero when there is no such command
  }
  if (!path) {
    throw new Error(
      "The browser tests need Debian's chromium, and `which chromium` found none. Install it with `apt-get update && apt-get install -y chromium` (.ci/run does this), then run the tests again.",
    );
  }
  return path;
}

/**
 * A headless chromium. Playwright gives every launch a fresh, empty user data directory of its own (and deletes
 * it on close), so no profile, cache or stored theme carries over between runs.
 */
export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  try {
    return await chromium.launch({ executablePath, headless: true, args: ARGS, timeout: 60_000 });
  } catch (err) {
    throw new Error(`chromium at ${executablePath} did not start: ${(err as Error).message}`, { cause: err });
  }
}
