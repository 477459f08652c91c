// Signing in with a passkey (first factor: a discoverable credential, user verification required) or using one
// as the second factor (the user's own keys only). The challenge is bound to the login interaction and taken
// once; the credential must exist (and belong to the user waiting, for the second factor); the signature is
// checked against ISSUER's origin and RP ID; a sign counter that does not move forward (when either side keeps
// one) refuses the sign-in as a likely cloned key, audits it and emails the owner. Refusals carry a reason for
// the caller's audit record.
import type { verifyAuthenticationResponse, PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import type { User } from "../../queries/users.ts";
import type { PasskeyRow } from "../../queries/passkeys.ts";
import type { PasskeyDeps, PasskeyRefusal, RequestInfo } from "./types.ts";
import { parseAuthentication } from "./responses.ts";
import { CHALLENGE_TTL_SECONDS, webAuthnLibrary } from "./relying-party.ts";
import { amrOf } from "./kinds.ts";
import { reasonOf } from "./registration.ts";

/** `reauthenticate`: a signed-in user proves it is them again (deleting the account), their own keys, user verification required */
export type Factor = "first_factor" | "second_factor" | "reauthenticate";
export type AssertionOutcome =
  | { outcome: "ok"; user: User; passkey: PasskeyRow; amr: string[]; userVerified: boolean }
  | { outcome: "refused"; code: PasskeyRefusal; reason: string; userId: string | null };

export function createPasskeyAuthentication(deps: PasskeyDeps) {
  const { passkeys, users, challenges, rp, audit, notifications, clock } = deps;
  const refused = (code: PasskeyRefusal, reason: string, userId: string | null = null): AssertionOutcome => ({
    outcome: "refused",
    code,
    reason,
    userId,
  });

  /** the counter went backwards: refused, audited, the owner told */
  async function cloned(row: PasskeyRow, user: User, counter: number, request: RequestInfo): Promise<AssertionOutcome> {
    await audit.record({
      type: "passkey.cloned",
      outcome: "failure",
      userId: user.id,
      ...request,
      data: { passkeyId: row.id, name: row.name, stored: row.counter.toString(), presented: String(counter) },
    });
    await notifications.passkeyChanged(user, request, "cloned", row.name);
    return refused("passkey.cloned", "counter_regression", user.id);
  }

  return {
    /**
     * the options for navigator.credentials.get in the flow `binding`: any discoverable passkey for the first
     * factor; the user's own keys for the second and for re-authentication
     */
    async options(factor: Factor, binding: string, user?: User): Promise<PublicKeyCredentialRequestOptionsJSON> {
      const allow = user ? (await passkeys.listFor(user.id)).map((p) => ({ id: p.credentialId, transports: p.transports })) : [];
      const challenge = await challenges.issue(factor, binding, user ? { userId: user.id } : {});
      const { generateAuthenticationOptions } = await webAuthnLibrary();
      return generateAuthenticationOptions({
        rpID: rp.id,
        challenge: new Uint8Array(Buffer.from(challenge, "base64url")),
        timeout: CHALLENGE_TTL_SECONDS * 1000,
        allowCredentials: allow,
        userVerification: factor === "second_factor" ? "preferred" : "required",
      });
    },

    /** the browser's assertion for the flow `binding`; `expectedUserId`: the user waiting for a second factor (or re-authenticating) */
    async verify(factor: Factor, binding: string, raw: unknown, request: RequestInfo, expectedUserId?: string): Promise<AssertionOutcome> {
      const response = parseAuthentication(raw);
      if (!response) return refused("passkey.malformed", "malformed", expectedUserId ?? null);
      const issued = await challenges.take(factor, binding);
      if (!issued || (expectedUserId !== undefined && issued.userId !== expectedUserId))
        return refused("passkey.challenge", "challenge", expectedUserId ?? null);
      const row = await passkeys.findByCredentialId(response.id);
      if (!row) return refused("passkey.unknown", "unknown_credential", expectedUserId ?? null);
      if (expectedUserId !== undefined && row.userId !== expectedUserId) return refused("passkey.unknown", "other_user", expectedUserId);
      const handle = response.response.userHandle;
      if (handle && Buffer.from(handle, "base64url").toString("utf8") !== row.userId)
        return refused("passkey.unknown", "user_handle", row.userId);
      const user = await users.findById(row.userId);
      if (!user) return refused("passkey.unknown", "unknown_credential");
      let info: Awaited<ReturnType<typeof verifyAuthenticationResponse>>["authenticationInfo"];
      try {
        // the counter is compared below, once the signature is known to be right
        const verified = await (
          await webAuthnLibrary()
        ).verifyAuthenticationResponse({
          response,
          expectedChallenge: issued.challenge,
          expectedOrigin: rp.origin,
          expectedRPID: rp.id,
          credential: { id: row.credentialId, publicKey: new Uint8Array(row.publicKey), counter: 0, transports: row.transports },
          requireUserVerification: factor !== "second_factor",
        });
        // the library answers "not verified" (rather than throwing) only when the signature does not check out
        if (!verified.verified) return refused("passkey.rejected", "signature", user.id);
        info = verified.authenticationInfo;
      } catch (err) {
        return refused("passkey.rejected", reasonOf(err), user.id);
      }
      const stored = Number(row.counter);
      if ((stored > 0 || info.newCounter > 0) && info.newCounter <= stored) return cloned(row, user, info.newCounter, request);
      if (!(await passkeys.use(row.id, info.newCounter, clock.now()))) return cloned(row, user, info.newCounter, request);
      return { outcome: "ok", user, passkey: row, amr: amrOf(row, info.userVerified), userVerified: info.userVerified };
    },
  };
}

export type PasskeyAuthentication = ReturnType<typeof createPasskeyAuthentication>;
