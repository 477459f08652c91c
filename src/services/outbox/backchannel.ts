// Back-channel logouts through the outbox: when a user's sessions end outside a logout (password change or
// reset, an administrator's "sign out" or "disable", a timeout), one row per relying party with a back-channel
// logout URI that the session had signed in to; and a logout oidc-provider itself failed to deliver is queued
// for retry. The oidc layer delivers them (oidc/backchannel-notifier.ts). A logout is idempotent at the relying
// party, and one waiting row per client and session (the dedupe key) keeps a repeated end from queuing it twice.
import type { Logger } from "../../lib/logger.ts";
import { createTrackedJobs } from "../../lib/tracked-jobs.ts";
import type { EndedSessions } from "../sessions/session-store.ts";
import type { Outbox } from "./outbox.ts";

/** what a back-channel logout row carries (sealed) */
export type BackchannelLogout = { clientId: string; sub: string; sid: string | null };

export const BACKCHANNEL_TOPIC = "logout";

export function createBackchannelQueue(deps: { outbox: Outbox; hasLogoutUri: (clientId: string) => Promise<boolean>; log: Logger }) {
  const row = (logout: BackchannelLogout, failed?: { attempts: number; error: string }) =>
    deps.outbox.message("backchannel_logout", logout.clientId, BACKCHANNEL_TOPIC, logout, {
      dedupeKey: `backchannel:${logout.clientId}:${logout.sid ?? `sub:${logout.sub}`}`,
      ...(failed ? { attempts: failed.attempts, lastError: failed.error } : {}),
    });
  const enqueue = (rows: ReturnType<typeof row>[]) =>
    deps.outbox
      .enqueue(rows)
      .catch((err: unknown) => deps.log.error({ err: { message: (err as Error).message } }, "back-channel logouts could not be queued"));
  const writing = createTrackedJobs();

  return {
    /** the sessionEvents listener: queues a logout for each client (with a URI) each ended session signed in to */
    sessionsEnded(userId: string, ended: EndedSessions): void {
      const pairs = ended.ended.flatMap((s) => s.clients);
      if (!pairs.length) return;
      const job = (async () => {
        const told = await Promise.all(
          pairs.map(async (p) => ((await deps.hasLogoutUri(p.clientId)) ? row({ clientId: p.clientId, sub: userId, sid: p.sid }) : null)),
        );
        const rows = told.filter((r) => r !== null);
        if (rows.length) await enqueue(rows);
      })().catch((err: unknown) =>
        deps.log.error({ err: { message: (err as Error).message } }, "back-channel logouts could not be queued"),
      );
      writing.track(job);
    },
    /** resolves when every logout of ended sessions is written (the CLI and shutdown wait for it) */
    settled: writing.settled,
    /** a logout oidc-provider sent itself (at sign-out) that failed: queued for its next attempt after the backoff */
    async retryFailed(logout: BackchannelLogout, error: unknown): Promise<void> {
      await enqueue([row(logout, { attempts: 1, error: String((error as Error)?.message ?? error) })]);
    },
  };
}

export type BackchannelQueue = ReturnType<typeof createBackchannelQueue>;
