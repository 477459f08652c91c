// Work started after a request has been answered (an email queued, a logout written), kept track of so that
// shutdown and tests can wait until all of it has finished (`settled`). Each job handles its own errors.
export function createTrackedJobs() {
  const pending = new Set<Promise<void>>();
  return {
    track(job: Promise<void>): void {
      pending.add(job);
      void job.finally(() => pending.delete(job));
    },
    /** resolves once every job tracked so far, and any tracked meanwhile, has finished */
    async settled(): Promise<void> {
      while (pending.size) await Promise.all([...pending]);
    },
  };
}
