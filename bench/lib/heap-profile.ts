// Reads a V8 sampling heap profile (the inspector's HeapProfiler.stopSampling, started with the objects that the
// minor and major GC collected kept in: so it counts what was allocated, not what is still alive) into bytes allocated
// per operation: in all, by package or file, and by function (where the allocation happened). Allocation is what the
// young generation's collections cost follows: a request that allocates twice as much is scavenged twice as often.
type CallFrame = { functionName: string; url: string; lineNumber: number };
type HeapNode = { id: number; callFrame: CallFrame; children?: HeapNode[] };
export type HeapProfile = { head: HeapNode; samples: { size: number; nodeId: number }[] };

const shortUrl = (url: string) => url.replace(/^.*\/(node_modules|dist)\//, "$1/").replace(/^file:\/\//, "");

function packageOf(frame: CallFrame): string {
  if (!frame.url) return frame.functionName || "(native)";
  const pkg = frame.url.match(/node_modules\/((@[^/]+\/)?[^/]+)/);
  return pkg ? pkg[1]! : shortUrl(frame.url);
}

export function summarizeAllocations(profile: HeapProfile, operations: number, rows = 25): string {
  const frames = new Map<number, CallFrame>();
  const visit = (node: HeapNode): void => {
    frames.set(node.id, node.callFrame);
    for (const child of node.children ?? []) visit(child);
  };
  visit(profile.head);
  const byPackage = new Map<string, number>(),
    byFunction = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, bytes: number) => m.set(k, (m.get(k) ?? 0) + bytes);
  let total = 0;
  for (const { size, nodeId } of profile.samples) {
    const frame = frames.get(nodeId);
    if (!frame) continue;
    total += size;
    add(byPackage, packageOf(frame), size);
    add(byFunction, `${frame.functionName || "(anonymous)"} ${shortUrl(frame.url)}:${frame.lineNumber + 1}`, size);
  }
  const perOp = (bytes: number) =>
    Math.round(bytes / operations)
      .toLocaleString("en-US")
      .padStart(8);
  const table = (title: string, m: Map<string, number>) =>
    [
      `--- ${title}`,
      ...[...m]
        .sort((a, b) => b[1] - a[1])
        .slice(0, rows)
        .map(([k, bytes]) => `${perOp(bytes)} B  ${((100 * bytes) / total).toFixed(1).padStart(5)}%  ${k}`),
    ].join("\n");
  return [
    `allocated: ${perOp(total).trim()} bytes per operation`,
    table("by package or file (bytes per operation)", byPackage),
    table("by function", byFunction),
  ].join("\n");
}
