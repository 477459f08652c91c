// A value read at most once per `ttlMs` in this process: pages and sign-ins that ask on every request (the enabled
// upstream connectors, the routed team domains) share one read. A failed read is tried again by the next caller;
// `forget` makes the next caller read afresh (a change made through this process shows at once).
export function shortLived<T>(load: () => Promise<T>, ttlMs: number, now: () => number) {
  let entry: { at: number; value: Promise<T> } | undefined;
  return {
    get(): Promise<T> {
      const at = now();
      if (!entry || at - entry.at >= ttlMs) {
        const fresh = { at, value: load() };
        entry = fresh;
        fresh.value.catch(() => {
          if (entry === fresh) entry = undefined;
        });
      }
      return entry.value;
    },
    forget(): void {
      entry = undefined;
    },
  };
}
