// `gatehouse retention run`: one retention pass now (services/retention/), under the same Redis lock as the
// servers' scheduled passes, printing the rows removed per table. Tables whose period is 0 are kept forever.
import type { Command } from "commander";
import { RETENTION_TABLES } from "../services/retention/tasks.ts";
import { withCliContext, CliError } from "./context.ts";

export function registerRetentionCommands(program: Command, out: (line: string) => void): void {
  const retention = program
    .command("retention")
    .description("removing rows past their retention period (RETENTION_*, AUDIT_RETENTION_DAYS)");

  retention
    .command("run")
    .description("run one retention pass now and print what it removed, per table")
    .option("--json", "print JSON")
    .action((opts: { json?: boolean }) =>
      withCliContext(async ({ services }) => {
        const run = await services.retention.runOnce({ quiet: true });
        if (run.outcome !== "done")
          throw new CliError("another process is running a retention pass right now; nothing was removed (try again in a minute)");
        const { report } = run;
        const kept = RETENTION_TABLES.filter((table) => !(table in report.removed));
        if (opts.json) {
          return out(
            JSON.stringify({
              removed: report.removed,
              keptForever: kept,
              failed: report.failed,
              startedAt: report.startedAt.toISOString(),
              finishedAt: report.finishedAt.toISOString(),
            }),
          );
        }
        const width = Math.max(...Object.keys(report.removed).map((t) => t.length), 5);
        for (const [table, n] of Object.entries(report.removed))
          out(`${table.padEnd(width)}  ${n} removed${report.failed.includes(table) ? " (failed: see the log)" : ""}`);
        for (const table of kept) out(`${table.padEnd(width)}  kept (retention period 0)`);
        const total = Object.values(report.removed).reduce((a, b) => a + b, 0);
        out(`${total} row(s) removed in ${report.finishedAt.getTime() - report.startedAt.getTime()} ms.`);
        if (report.failed.length) throw new CliError(`removing old rows failed for: ${report.failed.join(", ")}`);
      }),
    );
}
