// Adding a passkey or security key to a signed-in account: options (a challenge bound to the account session,
// the user's existing keys excluded, a discoverable credential with user verification, attestation "none"),
// then the browser's answer verified against ISSUER's origin and RP ID. The row and its audit event are one
// transaction; the owner is emailed. Whoever calls `begin` has already checked the password (the route).
import type { verifyRegistrationResponse, PublicKeyCredentialCreationOptionsJSON } from "@simplewebauthn/server";
import type { User } from "../../queries/users.ts";
import type { PasskeyRow } from "../../queries/passkeys.ts";
import type { PasskeyDeps, PasskeyRefusal, RequestInfo } from "./types.ts";
import { parseRegistration } from "./responses.ts";
import { CHALLENGE_TTL_SECONDS, webAuthnLibrary } from "./relying-party.ts";

export type RegistrationOutcome = { outcome: "added"; passkey: PasskeyRow } | { outcome: "refused"; code: PasskeyRefusal };

export const MAX_NAME_LENGTH = 64;

export function createPasskeyRegistration(deps: PasskeyDeps) {
  const { passkeys, challenges, rp, audit, notifications, clock } = deps;

  const refuse = async (user: User, request: RequestInfo, code: PasskeyRefusal, reason: string): Promise<RegistrationOutcome> => {
    await audit.record({ type: "passkey.added", outcome: "failure", userId: user.id, ...request, data: { reason } });
    return { outcome: "refused", code };
  };

  return {
    /** the options for navigator.credentials.create, for the account session `binding`; the key will be called `name` */
    async begin(user: User, binding: string, name: string): Promise<PublicKeyCredentialCreationOptionsJSON> {
      const existing = await passkeys.listFor(user.id);
      const challenge = await challenges.issue("register", binding, { userId: user.id, name });
      const { generateRegistrationOptions } = await webAuthnLibrary();
      return generateRegistrationOptions({
        rpName: rp.name,
        rpID: rp.id,
        userName: user.username,
        userDisplayName: user.name ?? user.username,
        userID: new TextEncoder().encode(user.id),
        challenge: new Uint8Array(Buffer.from(challenge, "base64url")),
        timeout: CHALLENGE_TTL_SECONDS * 1000,
        attestationType: "none",
        excludeCredentials: existing.map((p) => ({ id: p.credentialId, transports: p.transports })),
        authenticatorSelection: { residentKey: "required", requireResidentKey: true, userVerification: "required" },
      });
    },

    /** the browser's answer to `begin` for the same binding: verified, stored, audited, emailed */
    async finish(user: User, binding: string, raw: unknown, request: RequestInfo): Promise<RegistrationOutcome> {
      const response = parseRegistration(raw);
      if (!response) return refuse(user, request, "passkey.malformed", "malformed");
      const issued = await challenges.take("register", binding);
      if (!issued || issued.userId !== user.id) return refuse(user, request, "passkey.challenge", "challenge");
      let verified: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
      try {
        verified = await (
          await webAuthnLibrary()
        ).verifyRegistrationResponse({
          response,
          expectedChallenge: issued.challenge,
          expectedOrigin: rp.origin,
          expectedRPID: rp.id,
          requireUserVerification: true,
        });
      } catch (err) {
        return refuse(user, request, "passkey.rejected", reasonOf(err));
      }
      if (!verified.verified) return refuse(user, request, "passkey.rejected", "not_verified");
      const info = verified.registrationInfo;
      if (await passkeys.findByCredentialId(info.credential.id)) return refuse(user, request, "passkey.duplicate", "duplicate");
      const name = (issued.name ?? "").trim() || "Passkey";
      const passkey = await passkeys.create(
        {
          userId: user.id,
          credentialId: info.credential.id,
          publicKey: info.credential.publicKey,
          counter: BigInt(info.credential.counter),
          transports: (info.credential.transports ?? response.response.transports ?? []).slice(0, 8),
          deviceType: info.credentialDeviceType,
          backedUp: info.credentialBackedUp,
          attachment: response.authenticatorAttachment ?? null,
          aaguid: info.aaguid,
          name,
        },
        clock.now(),
        (row) => ({
          type: "passkey.added",
          outcome: "success",
          userId: user.id,
          ...request,
          data: { passkeyId: row.id, name, deviceType: row.deviceType },
        }),
      );
      await notifications.passkeyChanged(user, request, "added", name);
      return { outcome: "added", passkey };
    },
  };
}

/** a short, non-secret reason for the audit record (the library's message names what failed) */
export function reasonOf(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  if (/origin/i.test(message)) return "origin";
  if (/rp ?id/i.test(message)) return "rp_id";
  if (/challenge/i.test(message)) return "challenge";
  if (/signature/i.test(message)) return "signature";
  if (/user verification|verified/i.test(message)) return "user_verification";
  if (/cbor|decode|parse|unexpected|invalid/i.test(message)) return "malformed";
  return "rejected";
}
