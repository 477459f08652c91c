// Linking an upstream identity to the existing account with the same (upstream-verified) address, inside the
// sign-in that found it (#17): the account proves itself with its password, checked like the password strategy's
// (lockout, one argon2 verification, the same refusal for every wrong), or with one of its passkeys (answering
// this interaction's first-factor challenge). The identity is linked (services/federation/linking.ts) only when
// the whole sign-in finishes (finish.ts): after the account's second factor and the gates, never on one factor.
// The sign-in goes on with amr fed + pwd (both were proved), which is still one factor (acr one factor, lib/acr.ts:
// an upstream sign-in and a password are both most often something the user knows), so a second factor and the
// gates still apply; a passkey counts as when signing in with it (amr fed + its own; two factors with user
// verification).
import type { AccountService, StepUp } from "../../services/accounts.ts";
import type { Passkeys } from "../../services/passkeys/index.ts";
import type { User } from "../../queries/users.ts";
import type { FederatedLinking } from "../../services/federation/linking.ts";
import type { FirstFactorStrategy } from "./first-factor.ts";
import { refused } from "./types.ts";

export type UpstreamLinkPort = {
  links: Pick<FederatedLinking, "peek">;
  accounts: Pick<AccountService, "signInWithPassword">;
  passkeys: Pick<Passkeys, "authentication">;
};

export function createUpstreamLinkStrategy(port: UpstreamLinkPort): FirstFactorStrategy {
  return {
    method: "upstream_link",
    async authenticate(input, facts) {
      if (input.method !== "upstream_link") throw new Error("not an upstream-link input");
      const offer = await port.links.peek(facts.uid);
      if (!offer) return { outcome: "refused", refusal: refused("login.expired") };
      const request = { ip: facts.ip, userAgent: facts.userAgent, clientId: facts.clientId };
      const byPasskey = "passkey" in input.proof;
      const failed = (userId: string | null, reason: string) => ({
        type: "login.failed",
        outcome: "failure" as const,
        userId,
        ...request,
        data: { method: "upstream_link", proof: byPasskey ? "passkey" : "password", connector: offer.slug, reason },
      });
      let user: User;
      let stepUp: StepUp | undefined;
      // a passkey with user verification is two factors by itself (as when signing in with it): no second step
      let proved: { amr: string[]; multiFactor: boolean };
      if ("passkey" in input.proof) {
        // any discoverable key answers this interaction's first-factor challenge; only the offered account's will do (below)
        const result = await port.passkeys.authentication.verify("first_factor", facts.uid, input.proof.passkey, request);
        if (result.outcome === "refused")
          return { outcome: "refused", refusal: refused("login.passkey_refused"), event: failed(result.userId, result.reason) };
        if (result.user.disabled)
          return { outcome: "refused", refusal: refused("login.passkey_refused"), event: failed(result.user.id, "disabled") };
        user = result.user;
        proved = { amr: result.amr, multiFactor: result.userVerified };
      } else {
        const result = await port.accounts.signInWithPassword(offer.email, input.proof.password, {
          ...request,
          deviceToken: facts.deviceToken,
        });
        if (result.outcome === "invalid")
          return { outcome: "refused", refusal: refused("login.invalid_credentials"), event: failed(result.userId, result.reason) };
        user = result.user;
        stepUp = result.outcome === "unverified" ? undefined : result.stepUp;
        // the password was proved too: amr says so (RFC 8176), yet fed + pwd stay one factor (lib/acr.ts)
        proved = { amr: ["pwd"], multiFactor: false };
      }
      if (user.id !== offer.userId)
        return {
          outcome: "refused",
          refusal: refused(byPasskey ? "login.passkey_refused" : "login.invalid_credentials"),
          event: failed(user.id, "other_account"),
        };
      if (!user.emailVerified)
        return {
          outcome: "refused",
          refusal: refused("login.unverified", { email: user.email }),
          event: failed(user.id, "email_unverified"),
        };
      // linked only once the whole sign-in finishes (its second factor, the gates: finish.ts), never on one factor
      return {
        outcome: "passed",
        user,
        amr: ["fed", ...proved.amr],
        multiFactor: proved.multiFactor,
        method: "upstream",
        idp: offer.slug,
        link: byPasskey ? "passkey" : "password",
        ...(stepUp ? { stepUp } : {}),
        audit: { connector: offer.slug, linked: "true" },
      };
    },
  };
}
