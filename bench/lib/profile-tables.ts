// What the CPU and heap profile readers share (cpu-profile.ts, heap-profile.ts): a V8 call frame's short names, and
// a table of the largest entries per operation with their share of the whole.
export type CallFrame = { functionName: string; url: string; lineNumber: number };

export const shortUrl = (url: string) => url.replace(/^.*\/(node_modules|dist)\//, "$1/").replace(/^file:\/\//, "");

/** the npm package of a frame, or its file (ours, Node's), or its name when it has no file ("(garbage collector)") */
export function packageOf(frame: CallFrame): string {
  if (!frame.url) return frame.functionName || "(native)";
  const pkg = frame.url.match(/node_modules\/((@[^/]+\/)?[^/]+)/);
  return pkg ? pkg[1]! : shortUrl(frame.url);
}

/** a frame as a function's name and place ("find node_modules/oidc-provider/lib/models/client.js:572") */
export const functionOf = (frame: CallFrame) => `${frame.functionName || "(anonymous)"} ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;

/** adds `amount` to the entry `key` */
export const addTo = (m: Map<string, number>, key: string, amount: number) => m.set(key, (m.get(key) ?? 0) + amount);

/** the `rows` largest entries, each as its amount (per operation: `amount`), its share of `whole` and its name */
export function rankedTable(
  title: string,
  m: Map<string, number>,
  opts: { rows: number; whole: number; amount: (n: number) => string },
): string {
  return [
    `--- ${title}`,
    ...[...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, opts.rows)
      .map(([key, n]) => `${opts.amount(n)}  ${((100 * n) / opts.whole).toFixed(1).padStart(5)}%  ${key}`),
  ].join("\n");
}
