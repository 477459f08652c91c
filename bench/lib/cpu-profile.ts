// Reads a V8 CPU profile (the inspector's Profiler.stop, or --cpu-prof) into three tables per operation: time by
// package or file (self), by function (self), and by our own functions (inclusive: each sample counts once for every
// compiled src/ function on its stack). Idle time is left out of every table.
import { addTo, functionOf, packageOf, rankedTable, shortUrl, type CallFrame } from "./profile-tables.ts";
type ProfileNode = { id: number; callFrame: CallFrame; children?: number[] };
export type CpuProfile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };

const OWN_CODE = /\/dist\/(src|plugins)\//;

export function summarize(profile: CpuProfile, operations: number, rows = 25): string {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const timeOf = new Map<number, number>();
  profile.samples.forEach((id, i) => timeOf.set(id, (timeOf.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

  const byPackage = new Map<string, number>(),
    byFunction = new Map<string, number>(),
    ownInclusive = new Map<string, number>();
  let busy = 0;
  for (const [id, t] of timeOf) {
    const frame = nodes.get(id)!.callFrame;
    if (frame.functionName === "(idle)") continue;
    busy += t;
    addTo(byPackage, packageOf(frame), t);
    addTo(byFunction, functionOf(frame), t);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const f = nodes.get(cur)!.callFrame;
      if (!OWN_CODE.test(f.url)) continue;
      const k = `${f.functionName || "(anonymous)"} ${shortUrl(f.url)}`;
      if (!seen.has(k)) {
        seen.add(k);
        addTo(ownInclusive, k, t);
      }
    }
  }
  const perOp = (us: number) => (us / 1000 / operations).toFixed(2).padStart(6);
  const table = (title: string, m: Map<string, number>) => rankedTable(title, m, { rows, whole: busy, amount: (t) => `${perOp(t)} ms` });
  return [
    `main thread busy: ${perOp(busy)} ms per operation`,
    table("by package or file (self time, ms per operation)", byPackage),
    table("by function (self)", byFunction),
    table("our code (inclusive)", ownInclusive),
  ].join("\n");
}
