// A team's email domains (#17 item 3, enterprise SSO per team): the team's Owner (or a provider admin acting on
// the team) adds a domain, publishes the TXT record `_gatehouse.<domain>` = `gatehouse-domain-verification=<token>`
// and asks Gatehouse to verify it; then attaches an enabled upstream connector (home-realm discovery routes the
// domain's addresses there: home-realm.ts), may require SSO for the domain, and maps upstream groups to team roles
// (group-roles.ts). A domain is verified by one team at most. One use case for the team pages, the REST API and
// the CLI; every change is audited (team.domain.*).
import { Resolver } from "node:dns/promises";
import { domainToASCII } from "node:url";
import { randomToken } from "../../lib/crypto.ts";
import type { ConnectorRow } from "../../queries/upstream-connectors.ts";
import type { TeamQueries } from "../../queries/teams.ts";
import type { GroupRole, TeamDomainQueries, TeamDomainRow } from "../../queries/team-domains.ts";
import { isUniqueViolation } from "../../queries/upstream-connectors.ts";
import type { AuditService } from "../audit.ts";
import type { RequestInfo } from "../notifications.ts";
import { forbidden, invalid, OWNER_ROLE, type TeamAccess, type TeamActor, type TeamActorRef, type TeamRefusal } from "../team-roles.ts";
import { worded, type Worded } from "../../lib/i18n/refusal.ts";

export const RECORD_PREFIX = "_gatehouse";
export const TXT_PREFIX = "gatehouse-domain-verification=";
export const MAX_GROUP_ROLES = 50;
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** a refusal beyond the team's own: the domain is another team's, or its TXT record does not prove it */
export type DomainRefusal =
  TeamRefusal | ({ outcome: "conflict" } & Worded) | ({ outcome: "unverified" } & Worded) | ({ outcome: "dns_unavailable" } & Worded);

export type DomainView = TeamDomainRow & {
  recordName: string;
  recordValue: string;
  connector: { slug: string; name: string; enabled: boolean } | null;
};
export type DomainChange = { connector?: string | null; ssoRequired?: boolean; defaultRole?: string | null; groupRoles?: GroupRole[] };

/** the TXT strings at `name` (each record's chunks joined); [] when there is none; throws when DNS does not answer */
export type TxtLookup = (name: string) => Promise<string[]>;

/** TXT look-ups through node:dns, at DNS_SERVERS (or the system's resolvers) */
export function dnsTxtLookup(servers: string[], timeoutMs = 4000): TxtLookup {
  const resolver = new Resolver({ timeout: timeoutMs, tries: 2 });
  if (servers.length) resolver.setServers(servers);
  return async (name) => {
    try {
      return (await resolver.resolveTxt(name)).map((chunks) => chunks.join(""));
    } catch (err) {
      // no such name or no TXT record there: nothing proves the domain (anything else: DNS did not answer)
      if (["ENOTFOUND", "ENODATA", "NXDOMAIN"].includes(String((err as { code?: string }).code))) return [];
      throw err;
    }
  };
}

/** the domain as stored (lower-case A-labels, no trailing dot), or null when it is not a registrable host name */
export function normalizeDomain(raw: string): string | null {
  const trimmed = raw.trim().replace(/^@/, "").replace(/\.$/, "").toLowerCase();
  // URL parts (domainToASCII would take a URL's host from them) and spaces are no domain
  if (!trimmed || trimmed.length > 253 || /[\s/\\?#:@%]/.test(trimmed)) return null;
  const ascii = domainToASCII(trimmed);
  if (!ascii || ascii.length > 253) return null;
  const labels = ascii.split(".");
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l)) || /^\d+$/.test(labels.at(-1)!)) return null;
  return ascii;
}

/** the domain of an email address (normalized), or null */
export const domainOfEmail = (email: string): string | null => {
  const at = email.lastIndexOf("@");
  return at > 0 ? normalizeDomain(email.slice(at + 1)) : null;
};

type ConnectorPort = {
  find(id: string): Promise<ConnectorRow | null>;
  findBySlug(slug: string): Promise<ConnectorRow | null>;
  enabled(): Promise<ConnectorRow[]>;
};
/** what the Owner may choose from: the enabled providers and the team's roles but Owner */
export type DomainChoices = { connectors: { slug: string; name: string }[]; roles: { key: string; name: string }[] };

export function createTeamDomains(deps: {
  domains: TeamDomainQueries;
  teams: Pick<TeamQueries, "roleByKey" | "roles">;
  access: Pick<TeamAccess, "actor">;
  connectors: ConnectorPort;
  audit: Pick<AuditService, "record">;
  clock: { now(): Date };
  lookup: TxtLookup;
  /** a domain was added, verified, changed or removed (home-realm.ts reads its list of routed domains again) */
  onChange?: () => void;
}) {
  const { domains, access, audit } = deps;

  /** the Owner, or a provider admin acting on the team; members with another role: forbidden; others: not_found */
  async function owner(teamId: string, by: TeamActorRef): Promise<TeamActor | TeamRefusal> {
    const actor = await access.actor(teamId, by);
    if (!actor) return { outcome: "not_found" };
    if (!actor.isOwner && !actor.viaAdmin) return forbidden("team.refusal.onlyOwnerDomains");
    return actor;
  }
  const record = (
    type: string,
    actor: TeamActor,
    row: TeamDomainRow,
    request: RequestInfo,
    data: Record<string, string | boolean | string[]> = {},
    outcome: "success" | "failure" = "success",
  ) => {
    deps.onChange?.();
    // a provider admin (or the CLI, "cli") acting on the team is the actor only: the event is about the team
    return audit.record({
      type,
      outcome,
      userId: actor.viaAdmin ? null : actor.userId,
      actorId: actor.userId,
      ip: request.ip,
      userAgent: request.userAgent,
      data: { teamId: actor.team.id, domain: row.domain, ...data },
    });
  };

  async function view(row: TeamDomainRow): Promise<DomainView> {
    const c = row.connectorId ? await deps.connectors.find(row.connectorId) : null;
    return {
      ...row,
      recordName: `${RECORD_PREFIX}.${row.domain}`,
      recordValue: `${TXT_PREFIX}${row.verificationToken}`,
      connector: c ? { slug: c.slug, name: c.name, enabled: c.enabled } : null,
    };
  }
  async function mine(teamId: string, by: TeamActorRef, id: string): Promise<{ actor: TeamActor; row: TeamDomainRow } | TeamRefusal> {
    const actor = await owner(teamId, by);
    if ("outcome" in actor) return actor;
    const row = await domains.find(teamId, id);
    return row ? { actor, row } : { outcome: "not_found" };
  }

  /** checks a change's roles and connector; the row's new fields, or why not */
  async function settle(actor: TeamActor, row: TeamDomainRow, change: DomainChange): Promise<Partial<TeamDomainRow> | TeamRefusal> {
    const out: Partial<TeamDomainRow> = {};
    const roleOk = async (key: string) => key !== OWNER_ROLE && Boolean(await deps.teams.roleByKey(actor.team.id, key));
    if (change.connector !== undefined) {
      if (change.connector === null) out.connectorId = null;
      else {
        const c = await deps.connectors.findBySlug(change.connector);
        if (!c?.enabled) return invalid("connector", "team.refusal.chooseProvider");
        out.connectorId = c.id;
      }
    }
    if (change.defaultRole !== undefined) {
      if (change.defaultRole !== null && !(await roleOk(change.defaultRole)))
        return invalid("defaultRole", "team.refusal.chooseDefaultRole");
      out.defaultRoleKey = change.defaultRole;
    }
    if (change.groupRoles !== undefined) {
      if (change.groupRoles.length > MAX_GROUP_ROLES)
        return invalid("groupRoles", "team.refusal.tooManyMappings", { count: MAX_GROUP_ROLES });
      for (const m of change.groupRoles) {
        if (!m.group.trim() || m.group.length > 256) return invalid("groupRoles", "team.refusal.groupLength");
        if (!(await roleOk(m.role))) return invalid("groupRoles", "team.refusal.notTeamRole", { role: m.role.slice(0, 48) });
      }
      out.groupRoles = change.groupRoles.map((m) => ({ group: m.group.trim(), role: m.role }));
    }
    if (change.ssoRequired !== undefined) out.ssoRequired = change.ssoRequired;
    const connectorId = out.connectorId !== undefined ? out.connectorId : row.connectorId;
    const ssoRequired = out.ssoRequired ?? row.ssoRequired;
    if ((out.connectorId || out.ssoRequired) && !row.verifiedAt) return invalid("domain", "team.refusal.verifyFirst");
    if (ssoRequired && !connectorId) return invalid("ssoRequired", "team.refusal.providerFirst");
    return out;
  }

  return {
    async list(
      teamId: string,
      by: TeamActorRef,
    ): Promise<{ outcome: "ok"; actor: TeamActor; domains: DomainView[]; choices: DomainChoices } | TeamRefusal> {
      const actor = await owner(teamId, by);
      if ("outcome" in actor) return actor;
      const [rows, connectors, roles] = await Promise.all([domains.listOf(teamId), deps.connectors.enabled(), deps.teams.roles(teamId)]);
      const choices = {
        connectors: connectors.map((c) => ({ slug: c.slug, name: c.name })),
        roles: roles.filter((r) => r.key !== OWNER_ROLE).map((r) => ({ key: r.key, name: r.name })),
      };
      return { outcome: "ok", actor, domains: await Promise.all(rows.map(view)), choices };
    },

    async get(teamId: string, by: TeamActorRef, id: string): Promise<{ outcome: "ok"; domain: DomainView } | TeamRefusal> {
      const found = await mine(teamId, by, id);
      return "outcome" in found ? found : { outcome: "ok", domain: await view(found.row) };
    },

    /** a new, unverified domain with its TXT token (pending claims by several teams may exist; one verifies) */
    async add(
      teamId: string,
      by: TeamActorRef,
      raw: string,
      request: RequestInfo,
    ): Promise<{ outcome: "added"; domain: DomainView } | DomainRefusal> {
      const actor = await owner(teamId, by);
      if ("outcome" in actor) return actor;
      const domain = normalizeDomain(raw);
      if (!domain) return invalid("domain", "team.refusal.domainName");
      const taken = await domains.findVerified(domain);
      if (taken)
        return {
          outcome: "conflict",
          ...worded(taken.teamId === teamId ? "team.refusal.domainVerifiedHere" : "team.refusal.domainElsewhere", { domain }),
        };
      try {
        const row = await domains.create({
          teamId,
          domain,
          verificationToken: randomToken(24),
          createdById: typeof by === "string" ? by : null,
        });
        await record("team.domain.added", actor, row, request);
        return { outcome: "added", domain: await view(row) };
      } catch (err) {
        if (isUniqueViolation(err)) return { outcome: "conflict", ...worded("team.refusal.domainHere", { domain }) };
        throw err;
      }
    },

    /** looks the TXT record up; verified only when one of its strings is exactly the domain's value */
    async verify(
      teamId: string,
      by: TeamActorRef,
      id: string,
      request: RequestInfo,
    ): Promise<{ outcome: "verified"; domain: DomainView } | DomainRefusal> {
      const found = await mine(teamId, by, id);
      if ("outcome" in found) return found;
      const { actor, row } = found;
      if (row.verifiedAt) return { outcome: "verified", domain: await view(row) };
      const name = `${RECORD_PREFIX}.${row.domain}`;
      const expected = `${TXT_PREFIX}${row.verificationToken}`;
      let values: string[];
      try {
        values = await deps.lookup(name);
      } catch (err) {
        await record(
          "team.domain.verification_failed",
          actor,
          row,
          request,
          { reason: "dns_unavailable", detail: String((err as { code?: string }).code ?? "error") },
          "failure",
        );
        return { outcome: "dns_unavailable", ...worded("team.refusal.dnsSilent", { name }) };
      }
      if (!values.some((v) => v.trim() === expected)) {
        await record(
          "team.domain.verification_failed",
          actor,
          row,
          request,
          { reason: values.length ? "txt_mismatch" : "txt_missing" },
          "failure",
        );
        return {
          outcome: "unverified",
          ...worded(values.length ? "team.refusal.txtMismatch" : "team.refusal.txtMissing", { name, value: expected }),
        };
      }
      const taken = await domains.findVerified(row.domain);
      if (taken && taken.id !== row.id) return { outcome: "conflict", ...worded("team.refusal.domainElsewhere", { domain: row.domain }) };
      try {
        const verified = await domains.markVerified(row.id, deps.clock.now());
        await record("team.domain.verified", actor, verified, request);
        return { outcome: "verified", domain: await view(verified) };
      } catch (err) {
        if (isUniqueViolation(err)) return { outcome: "conflict", ...worded("team.refusal.domainElsewhere", { domain: row.domain }) };
        throw err;
      }
    },

    /** the provider the domain's addresses are routed to, SSO required or not, the group -> role mapping */
    async update(
      teamId: string,
      by: TeamActorRef,
      id: string,
      change: DomainChange,
      request: RequestInfo,
    ): Promise<{ outcome: "updated"; domain: DomainView } | DomainRefusal> {
      const found = await mine(teamId, by, id);
      if ("outcome" in found) return found;
      const fields = await settle(found.actor, found.row, change);
      if ("outcome" in fields) return fields;
      const row = await domains.update(id, fields);
      const v = await view(row);
      await record("team.domain.updated", found.actor, row, request, {
        connector: v.connector?.slug ?? "",
        ssoRequired: row.ssoRequired,
        defaultRole: row.defaultRoleKey ?? "",
        groups: row.groupRoles.map((m) => `${m.group}=${m.role}`),
      });
      return { outcome: "updated", domain: v };
    },

    async remove(teamId: string, by: TeamActorRef, id: string, request: RequestInfo): Promise<{ outcome: "removed" } | TeamRefusal> {
      const found = await mine(teamId, by, id);
      if ("outcome" in found) return found;
      if (!(await domains.remove(teamId, id))) return { outcome: "not_found" };
      await record("team.domain.removed", found.actor, found.row, request, { wasVerified: Boolean(found.row.verifiedAt) });
      return { outcome: "removed" };
    },
  };
}

export type TeamDomains = ReturnType<typeof createTeamDomains>;
