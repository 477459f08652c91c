// Proving it is the user before they delete their own account (account-deletion.ts): the password, or without
// one a current second factor (a TOTP or backup code), wrong ones counting toward the lockout like a sign-in; or,
// for a user with passkeys, a passkey assertion (user verification required) to a challenge bound to their
// account session, taken once. Every refusal is audited as account.deletion_failed with its reason.
import type { User } from "../queries/users.ts";
import { requestOf } from "./admin-actor.ts";
import type { AccountDeletionDeps, DeletionProof, DeletionRequest, OwnDeletionResult } from "./account-deletion-types.ts";
import type { AccountDeletionSteps } from "./account-deletion-steps.ts";

export function createDeletionReauthentication({ services }: AccountDeletionDeps, { record }: AccountDeletionSteps) {
  /**
   * the password, or a code when the account has none (wrong ones count toward the lockout), or a passkey of the
   * user's own; a passkey-only account without one is told to use the passkey (the API: the account page)
   */
  return async function reauthenticate(user: User, proof: DeletionProof, request: DeletionRequest): Promise<OwnDeletionResult | null> {
    const failed = (reason: string) =>
      record("account.deletion_failed", "failure", user.id, user.id, request, { reason, via: request.via });
    if (proof.passkey) {
      const info = { ...requestOf(request), clientId: request.clientId ?? null };
      const result = await services.passkeys.authentication.verify(
        "reauthenticate",
        proof.passkey.binding,
        proof.passkey.response,
        info,
        user.id,
      );
      if (result.outcome === "ok") return null;
      return (await failed(`passkey_${result.reason}`), { outcome: "passkey_refused" });
    }
    if (user.passwordHash) {
      if (!proof.password) return (await failed("reauth_required"), { outcome: "reauth_required" });
      const check = await services.accounts.confirmPassword(user, proof.password, request);
      if (check.outcome === "ok") return null;
      await failed(check.outcome);
      return { outcome: check.outcome };
    }
    if (!user.totpSecretEncrypted) {
      if (await services.passkeys.enrolled(user.id)) return (await failed("passkey_required"), { outcome: "passkey_required" });
      return (await failed("no_factor"), { outcome: "no_factor" });
    }
    if (!proof.code) return (await failed("reauth_required"), { outcome: "reauth_required" });
    if (await services.accounts.isLocked(user.id, request)) return (await failed("locked"), { outcome: "locked" });
    if ((await services.totp.verifyCode(user, proof.code)).outcome === "ok") return null;
    await services.accounts.recordFailure(user, request, "code");
    await failed("wrong_code");
    return { outcome: "wrong_code" };
  };
}
