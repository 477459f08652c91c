// /api/v1/teams/:teamId/domains (#17 item 3, enterprise SSO per team): the team's email domains for its Owner (or
// a provider admin with gatehouse.admin.teams.manage): add one (its TXT record comes back), verify it (a DNS
// look-up of `_gatehouse.<domain>`), attach an enabled sign-in provider, require SSO, map upstream groups to team
// roles, remove it. services/federation/team-domains.ts decides and audits (team.domain.*).
import type { Context } from "koa";
import { z } from "zod";
import type { AppContext } from "../../web-context.ts";
import type { DomainRefusal, DomainView } from "../../../services/federation/team-domains.ts";
import { MAX_GROUP_ROLES } from "../../../services/federation/team-domains.ts";
import type { TeamActorRef } from "../../../services/team-roles.ts";
import { catalogueError, refusalError } from "../../errors.ts";
import { documented } from "./declared-errors.ts";
import { defineRoute, type ApiRoute } from "./openapi.ts";
import { invalidDoc, notFoundDoc, teamParams, type TeamApi } from "./teams-shared.ts";
import { iso, when } from "./schemas.ts";

const TAGS = ["Team SSO"];
const OWNER = "*";
const domainParams = z.strictObject({
  teamId: z.uuid("is not a team id").transform((id) => id.toLowerCase()),
  domainId: z.uuid("is not a domain id").transform((id) => id.toLowerCase()),
});

const groupRole = z.strictObject({
  group: z.string().min(1).max(256),
  role: z.string().min(1).max(48).meta({ description: "a team role key (not owner)" }),
});
export const teamDomain = z
  .object({
    id: z.uuid(),
    domain: z.string(),
    verified: z.boolean(),
    verifiedAt: when.nullable(),
    record: z
      .object({ name: z.string(), type: z.literal("TXT"), value: z.string() })
      .meta({ description: "the TXT record that proves the domain (publish it, then call verify)" }),
    connector: z
      .object({ slug: z.string(), name: z.string(), enabled: z.boolean() })
      .nullable()
      .meta({ description: "the sign-in provider the domain's addresses are routed to" }),
    ssoRequired: z
      .boolean()
      .meta({ description: "password and magic-link sign-in refused for the domain's addresses, the team's Owner excepted" }),
    defaultRole: z.string().nullable().meta({ description: "role key of a just-in-time member no group maps (null: developer)" }),
    groupRoles: z.array(groupRole).meta({ description: "upstream group -> team role key; the first match decides" }),
    createdAt: when,
  })
  .meta({ id: "TeamDomain" });
const addBody = z.strictObject({ domain: z.string().min(1, "enter a domain").max(253) }).meta({ id: "TeamDomainCreate" });
const patchBody = z
  .strictObject({
    connector: z.string().max(40).nullable().optional().meta({ description: "an enabled connector's slug; null: no routing" }),
    ssoRequired: z.boolean().optional(),
    defaultRole: z.string().max(48).nullable().optional(),
    groupRoles: z.array(groupRole).max(MAX_GROUP_ROLES).optional(),
  })
  .meta({ id: "TeamDomainUpdate" });

const viewOf = (d: DomainView): z.input<typeof teamDomain> => ({
  id: d.id,
  domain: d.domain,
  verified: Boolean(d.verifiedAt),
  verifiedAt: d.verifiedAt ? iso(d.verifiedAt) : null,
  record: { name: d.recordName, type: "TXT", value: d.recordValue },
  connector: d.connector,
  ssoRequired: d.ssoRequired,
  defaultRole: d.defaultRoleKey,
  groupRoles: d.groupRoles,
  createdAt: iso(d.createdAt),
});

export function teamSsoRoutes(app: AppContext, api: TeamApi): ApiRoute[] {
  const domains = app.services.teamDomains;

  /** the answer, or the refusal as the API's error (a missing domain of a visible team: domain.not_found) */
  async function settle<R extends { outcome: string }>(teamId: string, by: TeamActorRef, r: R | DomainRefusal): Promise<R> {
    switch (r.outcome) {
      case "conflict":
        throw refusalError("domain.taken", r as Extract<DomainRefusal, { outcome: "conflict" }>);
      case "unverified":
        throw refusalError("domain.unverified", r as Extract<DomainRefusal, { outcome: "unverified" }>);
      case "dns_unavailable":
        throw refusalError("domain.dns_unavailable", r as Extract<DomainRefusal, { outcome: "dns_unavailable" }>, { retryAfter: 30 });
      case "not_found": {
        const listed = await domains.list(teamId, by);
        if (listed.outcome === "ok") throw catalogueError("domain.not_found");
        return api.settle(teamId, by, listed) as never;
      }
      default:
        return api.settle(teamId, by, r as R) as Promise<R>;
    }
  }
  const call = async <R extends { outcome: string }>(
    ctx: Context,
    teamId: string,
    act: (by: TeamActorRef) => Promise<R | DomainRefusal>,
  ) => {
    const by = await api.actorOf(ctx);
    return settle(teamId, by, await act(by));
  };
  const access = { token: "user", team: OWNER } as const;
  const errors = [invalidDoc("data.field domain, connector, defaultRole, groupRoles, ssoRequired")];

  return [
    defineRoute({
      method: "get",
      path: "/api/v1/teams/:teamId/domains",
      tags: TAGS,
      access,
      params: teamParams,
      query: z.strictObject({}),
      summary: "The team's email domains",
      response: {
        status: 200,
        description: "the domains",
        schema: z.object({ domains: z.array(teamDomain) }).meta({ id: "TeamDomainList" }),
      },
      errors: [notFoundDoc()],
      handle: async (ctx, { params }) => ({
        domains: (await call(ctx, params.teamId, (by) => domains.list(params.teamId, by))).domains.map(viewOf),
      }),
    }),
    defineRoute({
      method: "post",
      path: "/api/v1/teams/:teamId/domains",
      tags: TAGS,
      access,
      params: teamParams,
      body: addBody,
      summary: "Add an email domain (unverified; publish its TXT record, then verify)",
      description: "Audited (team.domain.added). A domain another team verified is refused (409 domain.taken).",
      response: { status: 201, description: "the new domain with its TXT record", schema: teamDomain },
      errors: [...errors, documented("domain.taken", "verified by another team, or already this team's"), notFoundDoc()],
      handle: async (ctx, { params, body }) =>
        viewOf((await call(ctx, params.teamId, (by) => domains.add(params.teamId, by, body.domain, api.request(ctx)))).domain),
    }),
    defineRoute({
      method: "get",
      path: "/api/v1/teams/:teamId/domains/:domainId",
      tags: TAGS,
      access,
      params: domainParams,
      query: z.strictObject({}),
      summary: "One of the team's email domains",
      response: { status: 200, description: "the domain", schema: teamDomain },
      errors: [notFoundDoc(documented("domain.not_found"))],
      handle: async (ctx, { params }) =>
        viewOf((await call(ctx, params.teamId, (by) => domains.get(params.teamId, by, params.domainId))).domain),
    }),
    defineRoute({
      method: "post",
      path: "/api/v1/teams/:teamId/domains/:domainId/verify",
      tags: TAGS,
      access,
      params: domainParams,
      summary: "Verify the domain: look up its TXT record",
      description:
        "Looks up the TXT record `_gatehouse.<domain>` (DNS_SERVERS); verified when one of its values is exactly `gatehouse-domain-verification=<token>`. Audited (team.domain.verified, or team.domain.verification_failed with the reason).",
      response: { status: 200, description: "the verified domain", schema: teamDomain },
      errors: [
        documented("domain.unverified", "no TXT record, or not the expected value (the message says which)"),
        documented("domain.taken", "another team verified it first"),
        documented("domain.dns_unavailable", "DNS did not answer"),
        notFoundDoc(documented("domain.not_found")),
      ],
      handle: async (ctx, { params }) =>
        viewOf((await call(ctx, params.teamId, (by) => domains.verify(params.teamId, by, params.domainId, api.request(ctx)))).domain),
    }),
    defineRoute({
      method: "patch",
      path: "/api/v1/teams/:teamId/domains/:domainId",
      tags: TAGS,
      access,
      params: domainParams,
      body: patchBody,
      summary: "Route the domain to a provider, require SSO, map groups to roles",
      description: "A provider or SSO required need a verified domain; SSO required needs a provider. Audited (team.domain.updated).",
      response: { status: 200, description: "the domain as saved", schema: teamDomain },
      errors: [...errors, notFoundDoc(documented("domain.not_found"))],
      handle: async (ctx, { params, body }) =>
        viewOf((await call(ctx, params.teamId, (by) => domains.update(params.teamId, by, params.domainId, body, api.request(ctx)))).domain),
    }),
    defineRoute({
      method: "delete",
      path: "/api/v1/teams/:teamId/domains/:domainId",
      tags: TAGS,
      access,
      params: domainParams,
      summary: "Remove a domain (its routing and SSO requirement go with it; memberships stay)",
      response: { status: 204, description: "removed" },
      errors: [notFoundDoc(documented("domain.not_found"))],
      handle: async (ctx, { params }) => {
        await call(ctx, params.teamId, (by) => domains.remove(params.teamId, by, params.domainId, api.request(ctx)));
      },
    }),
  ];
}
