// The password strategy of the first factor: one argon2id verification whatever the account's state (unknown,
// locked, wrong, disabled all answer alike and take as long), failures counted toward the lockout, an
// unverified address told apart only once the password is right. A full hashing pool answers "busy" first.
// A domain that requires its team's single sign-on (#17 item 3) refuses every address in it alike, right
// password or not, except the team's Owner with the right one (break-glass); by username, only a right password
// tells (the username's domain is not revealed to whoever does not know the password).
import type { AccountService } from "../../services/accounts.ts";
import type { PasswordService } from "../../services/passwords.ts";
import type { FirstFactorStrategy } from "./first-factor.ts";
import { ssoRequired, type UpstreamPort } from "./upstream.ts";
import { refused } from "./types.ts";

export function createPasswordStrategy(deps: {
  accounts: AccountService;
  passwords: Pick<PasswordService, "saturated">;
  federation?: Pick<UpstreamPort, "realm">;
}): FirstFactorStrategy {
  const { accounts, passwords } = deps;
  const realm = deps.federation?.realm;
  return {
    method: "password",
    async authenticate(input, facts) {
      if (input.method !== "password") throw new Error("not a password input");
      if (passwords.saturated()) return { outcome: "refused", refusal: refused("login.busy", { retryAfter: 2 }) };
      const request = { ip: facts.ip, userAgent: facts.userAgent, clientId: facts.clientId };
      // the browser's trusted-device cookie: a browser the user trusts is judged by its own lockout count
      const result = await accounts.signInWithPassword(input.identifier, input.password, { ...request, deviceToken: facts.deviceToken });
      const failed = (userId: string | null, reason: string) => ({
        type: "login.failed",
        outcome: "failure" as const,
        userId,
        ...request,
        data: { reason },
      });
      const required = !realm
        ? null
        : result.outcome === "invalid"
          ? await realm.requiredForAddress(input.identifier)
          : await realm.blocks(result.user);
      if (required) {
        const reason = result.outcome === "invalid" ? result.reason : "sso_required";
        return {
          outcome: "refused",
          refusal: refused("login.sso_required", ssoRequired(required)),
          event: failed(result.outcome === "invalid" ? result.userId : result.user.id, reason),
        };
      }
      switch (result.outcome) {
        case "ok":
        case "second_factor":
          return {
            outcome: "passed",
            user: result.user,
            amr: ["pwd"],
            multiFactor: false,
            ...(result.stepUp ? { stepUp: result.stepUp } : {}),
          };
        case "unverified":
          return {
            outcome: "refused",
            refusal: refused("login.unverified", { email: result.user.email }),
            event: failed(result.user.id, "email_unverified"),
          };
        case "invalid":
          return { outcome: "refused", refusal: refused("login.invalid_credentials"), event: failed(result.userId, result.reason) };
      }
    },
  };
}
