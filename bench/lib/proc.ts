// CPU time and memory of the server, read from /proc (Linux). With WORKERS > 1 the server is a process tree
// (the primary and its workers); CPU is summed over the tree, memory reported per process and in total. CPU is
// also split by thread: the main (JavaScript) thread, libuv's pool (argon2, crypto, fs) and the rest (V8's
// platform workers: GC and compilation).
import { readdirSync, readFileSync } from "node:fs";

const TICKS_PER_SECOND = 100; // getconf CLK_TCK on Linux

/** the process and all its descendants */
export function processTree(pid: number): number[] {
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    /* gone */
  }
  return [pid, ...children.flatMap(processTree)];
}

function cpuMsOf(pid: number, statPath = `/proc/${pid}/stat`): number {
  try {
    const stat = readFileSync(statPath, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND; // utime, stime
  } catch {
    return 0;
  }
}

export type ThreadCpu = { main: number; pool: number; other: number };

/** CPU milliseconds so far of the server's threads by kind (a thread that ended in between is not counted) */
export function threadCpuMs(pid: number): ThreadCpu {
  const sum: ThreadCpu = { main: 0, pool: 0, other: 0 };
  for (const p of processTree(pid)) {
    let tids: string[] = [];
    try {
      tids = readdirSync(`/proc/${p}/task`);
    } catch {
      /* gone */
    }
    for (const tid of tids) {
      let name: string;
      try {
        name = readFileSync(`/proc/${p}/task/${tid}/comm`, "utf8").trim();
      } catch {
        continue;
      }
      const kind = Number(tid) === p ? "main" : name === "libuv-worker" ? "pool" : "other";
      sum[kind] += cpuMsOf(p, `/proc/${p}/task/${tid}/stat`);
    }
  }
  return sum;
}

/** after - before, per op, to one decimal */
export function threadCpuPerOp(before: ThreadCpu, after: ThreadCpu, ops: number): ThreadCpu {
  const per = (k: keyof ThreadCpu) => (ops ? Math.round(((after[k] - before[k]) / ops) * 10) / 10 : 0);
  return { main: per("main"), pool: per("pool"), other: per("other") };
}

function rssMiBOf(pid: number): number {
  try {
    const kib = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
    return kib / 1024;
  } catch {
    return 0;
  }
}

/** user + system CPU milliseconds the server's processes have used so far */
export function cpuMs(pid: number): number {
  return processTree(pid).reduce((sum, p) => sum + cpuMsOf(p), 0);
}

/** samples RSS every 100 ms until stopped; returns the peak of the largest process and of the whole tree */
export function watchPeakRss(pid: number): () => { process: number; total: number } {
  let peak = { process: 0, total: 0 };
  const sample = () => {
    const rss = processTree(pid).map(rssMiBOf);
    peak = {
      process: Math.max(peak.process, ...rss),
      total: Math.max(
        peak.total,
        rss.reduce((a, b) => a + b, 0),
      ),
    };
  };
  sample();
  const timer = setInterval(sample, 100);
  const round = (n: number) => Math.round(n * 10) / 10;
  return () => {
    clearInterval(timer);
    sample();
    return { process: round(peak.process), total: round(peak.total) };
  };
}

/**
 * nanoseconds on a CPU (Linux schedstat) of the process's main thread and of all its threads: unlike the profile's
 * busy time, time the main thread spends waiting for a core (the machine is shared) is not counted
 */
export function cpuNanos(pid: number): { main: number; all: number } {
  const onCpu = (tid: string) => Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]);
  let all = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      all += onCpu(tid);
    } catch {
      // the thread ended meanwhile
    }
  }
  return { main: onCpu(String(pid)), all };
}
