// After a user's own deletion with a grace period (account-deletion.ts, account-deletion-own.ts): the restore
// link's page and its POST, which enables the account again once, and `eraseDue(now)`, which erases the accounts
// whose grace period has ended (the retention job and `gatehouse erase-due-accounts` call it).
import { sha256 } from "../lib/crypto.ts";
import type { AccountDeletionDeps, EraseDueResult, RestoreResult } from "./account-deletion-types.ts";
import type { AccountErasure } from "./account-deletion-erase.ts";

/** how many due accounts one eraseDue call takes at most (the next run takes the rest) */
export const ERASE_BATCH = 200;

export function createDeletionGracePeriod({ queries, clock }: AccountDeletionDeps, erase: AccountErasure) {
  const q = queries.accountDeletion;
  return {
    /** erases every account whose grace period has ended by `now` (at most ERASE_BATCH a call); for the retention job and the CLI */
    async eraseDue(now: Date = clock.now()): Promise<EraseDueResult> {
      const out: EraseDueResult = { erased: 0, failed: [] };
      for (const id of await q.dueIds(now, ERASE_BATCH)) {
        const user = await queries.users.findById(id);
        if (!user) continue;
        try {
          const result = await erase(user, { actorId: null, via: "grace_period_ended", request: { ip: null, userAgent: null }, due: now });
          if (result.outcome === "erased") out.erased++;
          else if (result.outcome !== "not_found" && result.outcome !== "not_due") out.failed.push({ userId: id, reason: result.outcome });
        } catch (err) {
          out.failed.push({ userId: id, reason: err instanceof Error ? err.message : String(err) });
        }
      }
      return out;
    },

    /** what a restore link is about, for its page (a GET changes nothing) */
    async inspectRestore(token: string): Promise<{ outcome: "valid"; username: string; dueAt: Date } | { outcome: "invalid" | "expired" }> {
      if (!/^[\w-]{43}$/.test(token)) return { outcome: "invalid" };
      const link = await q.findLiveRestore(sha256(token), clock.now());
      if (link?.user.deletionDueAt) return { outcome: "valid", username: link.user.username, dueAt: link.user.deletionDueAt };
      return { outcome: (await q.restoreExpired(sha256(token), clock.now())) ? "expired" : "invalid" };
    },

    /** the restore link's POST: the account is enabled again, once; a used, unknown or expired link changes nothing */
    async restore(token: string, request: { ip: string | null; userAgent: string | null }): Promise<RestoreResult> {
      if (!/^[\w-]{43}$/.test(token)) return { outcome: "invalid" };
      const hash = sha256(token);
      const at = clock.now();
      const restored = await q.restore(hash, at, (userId) => [
        { type: "account.restored", outcome: "success", userId, actorId: userId, ...request, data: { via: "restore_link" } },
      ]);
      if (restored) return { outcome: "restored", user: restored };
      return { outcome: (await q.restoreExpired(hash, at)) ? "expired" : "invalid" };
    },
  };
}
