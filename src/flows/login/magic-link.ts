// The magic-link strategy of the first factor (MAGIC_LINKS, services/magic-links/): the emailed link opened in
// the browser that asked, or the code a link opened elsewhere showed, typed in that browser. Each is taken once.
// It proves one factor (control of the mailbox: amr `email`, which RFC 8176 does not register; none of its
// values fits a link, and `otp` would merge with an authenticator code), so an account with a second factor
// goes on to it, and the gates (suspicious login, device approval, single session) run as after a password.
// Every dead link or wrong code refuses alike ("no longer valid"); a disabled account too; an unverified one
// is told so, like the password's. `remember` is what the asking browser chose when it asked.
import type { AccountService } from "../../services/accounts.ts";
import type { MagicLinks } from "../../services/magic-links/index.ts";
import type { FirstFactorStrategy } from "./first-factor.ts";
import { ssoRequired, type UpstreamPort } from "./upstream.ts";
import { refused } from "./types.ts";

export type MagicLinkPort = Pick<MagicLinks, "redeemLink" | "redeemCode">;

/** `federation.realm`: a domain that requires its team's single sign-on refuses links too (#17 item 3; the Owner excepted) */
export function createMagicLinkStrategy(deps: {
  magicLinks: MagicLinkPort;
  accounts: Pick<AccountService, "findActiveForSignIn">;
  federation?: Pick<UpstreamPort, "realm">;
}): FirstFactorStrategy {
  return {
    method: "magic_link",
    async authenticate(input, facts) {
      if (input.method !== "magic_link") throw new Error("not a magic-link input");
      const request = { ip: facts.ip, userAgent: facts.userAgent };
      const result =
        "token" in input
          ? await deps.magicLinks.redeemLink(facts.uid, input.token, input.browser, request)
          : await deps.magicLinks.redeemCode(facts.uid, input.code, input.browser, request);
      const code = "token" in input ? "login.magic_link_invalid" : "login.magic_code_invalid";
      if (result.outcome === "refused") return { outcome: "refused", refusal: refused(code) };
      const failed = (userId: string, reason: string) => ({
        type: "login.failed",
        outcome: "failure" as const,
        userId,
        ...request,
        clientId: facts.clientId,
        data: { reason, method: "magic_link" },
      });
      // no disabled account; with its sign-in facts (flows/login asks nothing more about it)
      const user = await deps.accounts.findActiveForSignIn(result.userId);
      if (!user) return { outcome: "refused", refusal: refused(code), event: failed(result.userId, "disabled") };
      if (!user.emailVerified)
        return {
          outcome: "refused",
          refusal: refused("login.unverified", { email: user.email }),
          event: failed(user.id, "email_unverified"),
        };
      const required = await deps.federation?.realm?.blocks(user);
      if (required)
        return {
          outcome: "refused",
          refusal: refused("login.sso_required", ssoRequired(required)),
          event: failed(user.id, "sso_required"),
        };
      return { outcome: "passed", user, amr: ["email"], multiFactor: false, method: "magic_link", remember: result.remember };
    },
  };
}
