// Reads a V8 sampling heap profile (the inspector's HeapProfiler.stopSampling, started with the objects that the
// minor and major GC collected kept in: so it counts what was allocated, not what is still alive) into bytes allocated
// per operation: in all, by package or file, and by function (where the allocation happened). Allocation is what the
// young generation's collections cost follows: a request that allocates twice as much is scavenged twice as often.
import { addTo, functionOf, packageOf, rankedTable, type CallFrame } from "./profile-tables.ts";

type HeapNode = { id: number; callFrame: CallFrame; children?: HeapNode[] };
export type HeapProfile = { head: HeapNode; samples: { size: number; nodeId: number }[] };

export function summarizeAllocations(profile: HeapProfile, operations: number, rows = 25): string {
  const frames = new Map<number, CallFrame>();
  const visit = (node: HeapNode): void => {
    frames.set(node.id, node.callFrame);
    for (const child of node.children ?? []) visit(child);
  };
  visit(profile.head);
  const byPackage = new Map<string, number>(),
    byFunction = new Map<string, number>();
  let total = 0;
  for (const { size, nodeId } of profile.samples) {
    const frame = frames.get(nodeId);
    if (!frame) continue;
    total += size;
    addTo(byPackage, packageOf(frame), size);
    addTo(byFunction, functionOf(frame), size);
  }
  const perOp = (bytes: number) =>
    Math.round(bytes / operations)
      .toLocaleString("en-US")
      .padStart(8);
  const table = (title: string, m: Map<string, number>) => rankedTable(title, m, { rows, whole: total, amount: (b) => `${perOp(b)} B` });
  return [
    `allocated: ${perOp(total).trim()} bytes per operation`,
    table("by package or file (bytes per operation)", byPackage),
    table("by function", byFunction),
  ].join("\n");
}
