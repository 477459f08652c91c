// Where the built server's memory is right after start: starts it as the bench does (production mode, the
// Dockerfile's runtime flags), waits 3 s, and prints VmRSS (anonymous / file-backed) and the largest mappings of
// /proc/<pid>/smaps ([heap] is malloc's main arena; [anon] holds V8's heap and other arenas). `node --import tsx
// bench/memory-at-start.ts` after `npm run build`; see docs/performance.md.
import { readFileSync } from "node:fs";
import { startServer } from "./lib/server.ts";
const server = await startServer();
try {
  await new Promise((r) => setTimeout(r, 3000));
  const status = readFileSync(`/proc/${server.pid}/status`, "utf8");
  console.log(
    status
      .split("\n")
      .filter((l) => /VmRSS|RssAnon|RssFile|VmHWM/.test(l))
      .join("\n"),
  );
  const smaps = readFileSync(`/proc/${server.pid}/smaps`, "utf8").split("\n");
  const maps: { name: string; rss: number }[] = [];
  let cur = "";
  for (const line of smaps) {
    if (/^[0-9a-f]+-[0-9a-f]+ /.test(line)) cur = line.split(/\s+/).slice(5).join(" ") || "[anon]";
    else if (line.startsWith("Rss:")) maps.push({ name: cur, rss: Number(line.split(/\s+/)[1]) });
  }
  const by = new Map<string, number>();
  for (const m of maps) by.set(m.name, (by.get(m.name) ?? 0) + m.rss);
  console.log(
    [...by]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 15)
      .map(([n, kb]) => `${(kb / 1024).toFixed(1).padStart(7)} MiB ${n}`)
      .join("\n"),
  );
  const big = maps
    .filter((m) => m.name === "[anon]")
    .sort((a, b) => b.rss - a.rss)
    .slice(0, 10)
    .map((m) => (m.rss / 1024).toFixed(1));
  console.log("largest anon maps MiB:", big.join(" "));
} finally {
  await server.stop();
}
