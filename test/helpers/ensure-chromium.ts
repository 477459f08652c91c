// Makes sure Debian's chromium is there before any browser test runs, the way .ci/run does: when it is missing and
// this user may install packages (root with apt-get), it installs it; otherwise the run stops at once with the one
// command to run. `TEST_INSTALL_CHROMIUM=0` turns the installing off (the run then stops with the command).
import { execFileSync, spawnSync } from "node:child_process";

const INSTALL = "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium";

function found(command: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;
}

export function ensureChromium(): void {
  if (found("chromium")) return;
  const mayInstall = process.getuid?.() === 0 && found("apt-get") && process.env.TEST_INSTALL_CHROMIUM !== "0";
  if (!mayInstall) {
    throw new Error(
      `The browser tests need Debian's chromium and none is installed. Run \`sudo sh -c '${INSTALL}'\`, then run the tests again.`,
    );
  }
  console.log(`chromium is missing; installing it (${INSTALL}) ...`);
  try {
    execFileSync("sh", ["-c", INSTALL], { stdio: ["ignore", "inherit", "inherit"], timeout: 15 * 60_000 });
  } catch (err) {
    throw new Error(`Installing chromium failed (${(err as Error).message}). Run \`${INSTALL}\` by hand, then the tests again.`, {
      cause: err,
    });
  }
  if (!found("chromium")) throw new Error(`chromium is still missing after \`${INSTALL}\`.`);
}
