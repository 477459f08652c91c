// The upstream identity provider strategy of the first factor (#17, services/federation/): the upstream's answer
// at the callback (its state bound to this interaction, the code exchanged, the ID token checked by openid-client),
// then whose account it is: a linked identity, or a just-in-time account. An existing account with the same
// address is never taken over: the sign-in is refused with what to do (sign in with that account first). It
// proves one factor (amr `fed`), so an account with a second factor goes on to it, and the gates run as after a
// password. An account whose address is not verified (the upstream did not verify it, or the connector does not
// trust it) must verify it by its emailed link first, as after a password (login.unverified). An account with the upstream's verified address is offered a link, made only once its password is
// given (upstream-link.ts). Every refusal is audited (login.failed, method upstream, the connector and the reason).
// Enterprise SSO per team (#17 item 3): an account whose address's domain requires its team's provider is refused
// through any other one (the team's Owner excepted); a sign-in through the domain's own provider makes the account
// a member of the team just in time, with the role its upstream groups map to (services/federation/group-roles.ts).
import type { Upstream } from "../../services/federation/upstream.ts";
import type { FederatedAccounts } from "../../services/federation/identities.ts";
import type { FederatedLinking } from "../../services/federation/linking.ts";
import type { HomeRealm, SsoRequirement } from "../../services/federation/home-realm.ts";
import type { GroupRoles } from "../../services/federation/group-roles.ts";
import type { FirstFactorStrategy } from "./first-factor.ts";
import { refused, type RefusalCode } from "./types.ts";

export type UpstreamPort = {
  upstream: Pick<Upstream, "finish">;
  accounts: Pick<FederatedAccounts, "resolve">;
  links: Pick<FederatedLinking, "offer" | "peek" | "complete">;
  /** enterprise SSO per team (#17 item 3): "SSO required" for password, magic link and other providers; JIT team membership */
  realm?: Pick<HomeRealm, "blocks" | "blocksUpstream" | "requiredForAddress">;
  groupRoles?: Pick<GroupRoles, "afterUpstreamSignIn">;
};

/** the refusal's words when a domain requires its team's single sign-on */
export const ssoRequiredMessage = (r: SsoRequirement) =>
  `${r.teamName} requires single sign-on for ${r.domain} addresses: use \u201cContinue with single sign-on\u201d${r.connectorName ? ` (${r.connectorName})` : ""} instead.`;
/** that refusal's English words and its values (the pages say it in their language: http/routes/interaction/messages.ts) */
export const ssoRequired = (r: SsoRequirement) => ({
  message: ssoRequiredMessage(r),
  sso: { team: r.teamName, domain: r.domain, connector: r.connectorName },
});

export function createUpstreamStrategy(port: UpstreamPort): FirstFactorStrategy {
  return {
    method: "upstream",
    async authenticate(input, facts) {
      if (input.method !== "upstream") throw new Error("not an upstream input");
      const request = { ip: facts.ip, userAgent: facts.userAgent, clientId: facts.clientId };
      const failed = (userId: string | null, reason: string, extra: Record<string, string> = {}) => ({
        type: "login.failed",
        outcome: "failure" as const,
        userId,
        ...request,
        data: { method: "upstream", connector: input.slug.slice(0, 40), reason, ...extra },
      });
      const no = (code: RefusalCode, userId: string | null, reason: string, extra: Record<string, string> = {}, retryAfter?: number) => ({
        outcome: "refused" as const,
        refusal: refused(code, retryAfter ? { retryAfter } : {}),
        event: failed(userId, reason, extra),
      });

      const answer = await port.upstream.finish(input.slug, new URLSearchParams(input.query), facts.uid);
      if (answer.outcome === "failed") {
        if (answer.reason === "unavailable")
          return no("login.upstream_unavailable", null, "upstream.unavailable", { detail: answer.detail }, 30);
        return no(answer.reason === "cancelled" ? "login.upstream_cancelled" : "login.upstream_failed", null, `upstream.${answer.reason}`, {
          detail: answer.detail,
        });
      }
      const { connector, profile } = answer;
      const resolved = await port.accounts.resolve(connector, profile, request);
      switch (resolved.outcome) {
        case "no_email":
          return no("login.upstream_no_email", null, "upstream.no_email");
        case "email_taken":
          return no("login.upstream_email_taken", null, "upstream.email_taken");
        case "link_required": {
          // an account whose domain requires another provider (its team's) gets no link to this one either
          const required = await port.realm?.blocksUpstream(resolved.user, connector.id);
          if (required)
            return {
              outcome: "refused" as const,
              refusal: refused("login.sso_required", ssoRequired(required)),
              event: failed(resolved.user.id, "sso_required"),
            };
          // the account may prove itself on the link page of this sign-in (upstream-link.ts); nothing is linked yet
          await port.links.offer(facts.uid, facts.interactionExp, {
            userId: resolved.user.id,
            email: resolved.user.email,
            connectorId: connector.id,
            slug: connector.slug,
            name: connector.name,
            subject: profile.subject,
          });
          return no("login.upstream_link_required", resolved.user.id, "upstream.link_required");
        }
        case "existing":
        case "created": {
          const { user } = resolved;
          if (user.disabled) return no("login.upstream_failed", user.id, "disabled");
          // PRODUCT.md 2: an address must be verified before the first sign-in, whatever proved the person; an
          // address the upstream did not verify (or the connector does not trust) is verified by its emailed link
          if (!user.emailVerified)
            return {
              outcome: "refused" as const,
              refusal: refused("login.unverified", { email: user.email }),
              event: failed(user.id, "email_unverified"),
            };
          // the address's domain requires another provider (its team's): this one will not do (Owner excepted)
          const required = await port.realm?.blocksUpstream(user, connector.id);
          if (required)
            return {
              outcome: "refused" as const,
              refusal: refused("login.sso_required", ssoRequired(required)),
              event: failed(user.id, "sso_required"),
            };
          // the domain's team: membership just in time, the role from the upstream's groups (group-roles.ts)
          await port.groupRoles?.afterUpstreamSignIn(connector, profile, user.id, request);
          return {
            outcome: "passed",
            user,
            amr: ["fed"],
            multiFactor: false,
            method: "upstream",
            idp: connector.slug,
            audit: { connector: connector.slug, ...(resolved.outcome === "created" ? { justInTime: "true" } : {}) },
          };
        }
      }
    },
  };
}
