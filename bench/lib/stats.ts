// Latency summaries for the benchmark.
export type Summary = { ops: number; errors: number; opsPerSec: number; p50: number; p95: number; p99: number; firstError?: string };

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export function summarize(latenciesMs: number[], errors: number, seconds: number, firstError?: string): Summary {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    ops: sorted.length,
    errors,
    opsPerSec: round(sorted.length / seconds),
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    ...(firstError ? { firstError } : {}),
  };
}
