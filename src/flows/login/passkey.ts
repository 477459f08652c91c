// The passkey strategies. First factor: a discoverable credential's assertion, its challenge bound to this
// login interaction, user verification required, so it proves two factors by itself (no second-factor step;
// the gates still run). Unknown, deleted, other-origin, replayed and wrong-signature answers all refuse alike
// ("that passkey was not accepted") and are audited with the reason; a disabled or unverified account is
// refused like the password's. Second factor: the waiting user's own keys only, beside TOTP.
import type { Passkeys } from "../../services/passkeys/index.ts";
import type { FirstFactorStrategy } from "./first-factor.ts";
import type { SecondFactorStrategy } from "./second-factor.ts";
import { refused } from "./types.ts";
import { isSignInUser } from "../../queries/users.ts";

export type PasskeyPort = Pick<Passkeys, "authentication" | "enrolled">;

export function createPasskeyFirstFactor(passkeys: PasskeyPort): FirstFactorStrategy {
  return {
    method: "passkey",
    async authenticate(input, facts) {
      if (input.method !== "passkey") throw new Error("not a passkey input");
      const request = { ip: facts.ip, userAgent: facts.userAgent, clientId: facts.clientId };
      const failed = (userId: string | null, reason: string) => ({
        type: "login.failed",
        outcome: "failure" as const,
        userId,
        ...request,
        data: { reason, method: "passkey" },
      });
      const result = await passkeys.authentication.verify("first_factor", facts.uid, input.response, request);
      if (result.outcome === "refused") {
        // a cloned key is audited (passkey.cloned) and its owner emailed by the service already
        return { outcome: "refused", refusal: refused("login.passkey_refused"), event: failed(result.userId, result.reason) };
      }
      const { user } = result;
      if (user.disabled) return { outcome: "refused", refusal: refused("login.passkey_refused"), event: failed(user.id, "disabled") };
      if (!user.emailVerified)
        return {
          outcome: "refused",
          refusal: refused("login.unverified", { email: user.email }),
          event: failed(user.id, "email_unverified"),
        };
      return { outcome: "passed", user, amr: result.amr, multiFactor: result.userVerified, method: "passkey" };
    },
  };
}

export function createPasskeySecondFactor(passkeys: PasskeyPort): SecondFactorStrategy {
  return {
    methods: ["passkey"],
    // a sign-in's user row says so already (queries/users.ts findForSignIn)
    enrolled: (user) => (isSignInUser(user) ? user.hasPasskey : passkeys.enrolled(user.id)),
    async verify(user, input, facts) {
      const request = { ip: facts.ip, userAgent: facts.userAgent };
      const result = await passkeys.authentication.verify("second_factor", facts.uid, input.code, request, user.id);
      if (result.outcome === "refused") return { ok: false, reason: result.reason };
      return { ok: true, amr: result.amr, method: "passkey" };
    },
  };
}
