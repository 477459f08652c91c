// The provider admins' actions on how a user proves who they are (user-admin.ts): reset two-factor, send a
// password reset, list and remove passkeys. The admin never sees a secret or a link; the user is told by email.
import { UUID } from "../lib/ids.ts";
import type { PasskeyView } from "./passkeys/index.ts";
import { normalizeEmail } from "./identifiers.ts";
import type { NotFound, Outranked, UserAdminActor, UserAdminDeps } from "./user-admin-types.ts";
import { requestOf, type UserAdminSteps } from "./user-admin-steps.ts";
import { surfaceOf } from "./admin-actor.ts";

export function createUserCredentialActions({ queries, services }: UserAdminDeps, { record, outranked }: UserAdminSteps) {
  const users = queries.users;
  return {
    /** TOTP off and backup codes gone (the password alone signs in); the user is told by email */
    async resetTwoFactor(userId: string, actor: UserAdminActor): Promise<{ outcome: "reset"; wasEnabled: boolean } | NotFound | Outranked> {
      const user = UUID.test(userId) ? await users.findById(userId) : null;
      if (!user) return { outcome: "not_found" };
      if (await outranked("user.two_factor_reset", userId, actor)) return { outcome: "outranked" };
      const wasEnabled = user.totpSecretEncrypted !== null;
      await services.totp.disable(userId);
      await record("user.two_factor_reset", "success", userId, actor, { wasEnabled });
      if (wasEnabled) await services.notifications.twoFactorChanged(user, requestOf(actor), "disabled");
      return { outcome: "reset", wasEnabled };
    },

    /** the user's passkeys and security keys (never the keys themselves) */
    async passkeys(userId: string): Promise<{ outcome: "ok"; passkeys: PasskeyView[] } | NotFound> {
      if (!UUID.test(userId) || !(await users.findSafe(userId))) return { outcome: "not_found" };
      return { outcome: "ok", passkeys: await services.passkeys.list(userId) };
    },

    /** removes one of the user's passkeys (passkeys/management.ts: audited as passkey.removed with the admin, the owner emailed) */
    async removePasskey(
      userId: string,
      passkeyId: string,
      actor: UserAdminActor,
    ): Promise<{ outcome: "removed"; passkey: PasskeyView } | NotFound | Outranked | { outcome: "passkey_not_found" }> {
      if (!UUID.test(userId) || !(await users.findSafe(userId))) return { outcome: "not_found" };
      if (await outranked("passkey.removed", userId, actor)) return { outcome: "outranked" };
      const result = await services.passkeys.remove(userId, passkeyId, { actorId: actor.actorId, ...surfaceOf(actor) }, requestOf(actor));
      return result.outcome === "removed" ? result : { outcome: "passkey_not_found" };
    },

    /**
     * emails the user a reset link (the admin never sees it); a disabled account gets none. `beforeSend` spends
     * the address's budget first (the same one /forgot-password spends: "email:<normalized address>")
     */
    async sendPasswordReset(
      userId: string,
      actor: UserAdminActor,
      opts: { beforeSend?: (budgetKey: string) => Promise<void> } = {},
    ): Promise<{ outcome: "sent" } | { outcome: "disabled" } | NotFound> {
      const user = UUID.test(userId) ? await users.findSafe(userId) : null;
      if (!user) return { outcome: "not_found" };
      if (!user.disabled) await opts.beforeSend?.(`email:${normalizeEmail(user.email)}`);
      const sent = user.disabled ? null : await services.passwordReset.request(user.email, requestOf(actor));
      await record("user.password_reset_sent", sent ? "success" : "failure", userId, actor, sent ? {} : { reason: "disabled" });
      return sent ? { outcome: "sent" } : { outcome: "disabled" };
    },
  };
}
