// CPU time and memory of the server process, read from /proc (Linux).
import { readFileSync } from "node:fs";

const TICKS_PER_SECOND = 100; // getconf CLK_TCK on Linux

/** user + system CPU milliseconds the process has used so far */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND; // utime, stime
}

export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round((kib / 1024) * 10) / 10;
}

/** samples RSS every 100 ms until stopped; returns the peak */
export function watchPeakRss(pid: number): () => number {
  let peak = rssMiB(pid);
  const timer = setInterval(() => { try { peak = Math.max(peak, rssMiB(pid)); } catch { /* process gone */ } }, 100);
  return () => { clearInterval(timer); return peak; };
}
