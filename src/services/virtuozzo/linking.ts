// A team's platform link (plugins/virtuozzo): linking with the Owner's platform credentials (checked against the
// platform: sign-in, user info, the account's group type, sign-out), the new Owner's confirmation after an ownership
// transfer, unlinking, the relying parties authorized for the team's sessions, and the group-type check that Door A
// registration runs. Every change is audited without the login's password or any session.
import type { Logger } from "../../lib/logger.ts";
import { decryptSecret, encryptSecret } from "../../lib/crypto.ts";
import type { TeamQueries } from "../../queries/teams.ts";
import type { VirtuozzoLinkQueries, VirtuozzoLinkRow } from "../../queries/virtuozzo-links.ts";
import type { AuditService } from "../audit.ts";
import type { TeamAccess, TeamActor, TeamActorRef } from "../team-roles.ts";
import type { RequestInfo } from "../notifications.ts";
import type { Platform, PlatformFailure } from "./platform.ts";
import type { SessionCache } from "./session-cache.ts";
import type { DoorACheck } from "../registration.ts";
import { VIRTUOZZO_PERMISSIONS } from "./permissions.ts";
import type { MessageKey } from "../../lib/i18n/index.ts";
import { worded, type Worded } from "../../lib/i18n/refusal.ts";
import { requestOf } from "../admin-actor.ts";

export type Credentials = { login: string; password: string; platformUrl?: string };
/** why not: a message key with its values (team.refusal.vz*, lib/i18n/en-teams.ts) and their English words */
export type VirtuozzoRefusal =
  | ({ outcome: "forbidden" } & Worded)
  | ({ outcome: "invalid"; field: string } & Worded)
  | ({ outcome: "not_linked" } & Worded)
  | ({ outcome: "suspended" } & Worded)
  | ({ outcome: "credentials_refused" } & Worded)
  | ({ outcome: "group_refused"; groupType: string } & Worded)
  | ({ outcome: "unavailable" } & Worded)
  | ({ outcome: "malformed" } & Worded);
/** a request's details for the audit; `actorId`/`via` name who acted when it is not the Owner themself (the CLI: "cli") */
export type ActingRequest = RequestInfo & { actorId?: string; via?: string };
export type LinkView = { link: VirtuozzoLinkRow; state: "active" | "suspended" };

const NOT_LINKED = () => ({ outcome: "not_linked", ...worded("team.refusal.vzNotLinked") }) as const;
const SUSPENDED = () => ({ outcome: "suspended", ...worded("team.refusal.vzSuspended") }) as const;
/** who may change the link, by action (the audit's `action`) */
const OWNER_ONLY: Record<"link" | "confirm" | "unlink" | "authorize clients for", MessageKey> = {
  link: "team.refusal.vzOwnerLinks",
  confirm: "team.refusal.vzOwnerConfirms",
  unlink: "team.refusal.vzOwnerUnlinks",
  "authorize clients for": "team.refusal.vzOwnerClients",
};

export function createLinking(deps: {
  links: VirtuozzoLinkQueries;
  teams: Pick<TeamQueries, "ownerOf">;
  access: TeamAccess;
  audit: AuditService;
  log: Logger;
  masterKey: Buffer;
  settings: { platformUrls: string[]; allowedGroupTypes: string[] };
  clientExists: (clientId: string) => Promise<boolean>;
  platform: Platform;
  cache: SessionCache;
}) {
  const { links, platform, cache, settings } = deps;
  const purpose = (teamId: string) => `virtuozzo:link:${teamId}`;

  function failure(f: PlatformFailure, call: string): VirtuozzoRefusal {
    if (f.outcome === "refused") return { outcome: "credentials_refused", ...worded("team.refusal.vzCredentials") };
    if (f.outcome === "malformed") {
      deps.log.warn({ call: f.call }, "virtuozzo: the platform's answer did not have the documented shape; refused");
      return { outcome: "malformed", ...worded("team.refusal.vzMalformed") };
    }
    deps.log.warn({ call, reason: f.reason, status: f.status }, "virtuozzo: the platform is not available");
    return { outcome: "unavailable", ...worded("team.refusal.vzUnavailable") };
  }

  const record = (
    type: string,
    outcome: "success" | "failure",
    who: { userId?: string | null; actorId?: string | null },
    request: ActingRequest | undefined,
    data: Record<string, string | number | boolean>,
  ) =>
    deps.audit.record({
      type,
      outcome,
      userId: who.userId ?? null,
      actorId: request?.actorId ?? who.actorId ?? null,
      ...requestOf(request),
      data: { ...data, ...(request?.via ? { via: request.via } : {}) },
    });

  /** signs in, reads the account's identity and group type, signs out: the group type, or why not */
  async function verify(
    platformUrl: string,
    login: string,
    password: string,
  ): Promise<{ outcome: "ok"; groupType: string; uid: number } | VirtuozzoRefusal> {
    const signed = await platform.signIn(platformUrl, login, password);
    if (signed.outcome !== "ok") return failure(signed, "sign-in");
    try {
      const info = await platform.userInfo(platformUrl, signed.session);
      if (info.outcome !== "ok") return failure(info, "getuserinfo");
      const group = await platform.groupType(platformUrl, signed.session);
      if (group.outcome !== "ok") return failure(group, "getaccount");
      if (!settings.allowedGroupTypes.includes(group.groupType)) {
        return {
          outcome: "group_refused",
          groupType: group.groupType,
          ...(settings.allowedGroupTypes.length
            ? worded("team.refusal.vzGroupType", { groupType: group.groupType, allowed: settings.allowedGroupTypes.join(", ") })
            : worded("team.refusal.vzGroupTypeNone", { groupType: group.groupType })),
        };
      }
      return { outcome: "ok", groupType: group.groupType, uid: info.uid };
    } finally {
      void platform.signOut(platformUrl, signed.session).catch(() => undefined);
    }
  }

  function platformOf(given: string | undefined): string | VirtuozzoRefusal {
    const url = (given ?? settings.platformUrls[0] ?? "").replace(/\/+$/, "");
    return settings.platformUrls.includes(url)
      ? url
      : {
          outcome: "invalid",
          field: "platformUrl",
          ...worded("team.refusal.vzChoosePlatform", { platforms: settings.platformUrls.join(", ") }),
        };
  }

  async function ownerOnly(
    teamId: string,
    by: TeamActorRef,
    what: keyof typeof OWNER_ONLY,
    opts: { admin?: boolean } = {},
  ): Promise<TeamActor | VirtuozzoRefusal> {
    const actor = await deps.access.actor(teamId, by);
    if (actor && (actor.isOwner || (opts.admin && actor.viaAdmin))) return actor;
    const who = typeof by === "string" ? by : by.adminId;
    await record("virtuozzo.link.denied", "failure", { userId: who, actorId: who }, undefined, { teamId, action: what });
    return { outcome: "forbidden", ...worded(OWNER_ONLY[what]) };
  }

  async function purgeAndSignOut(teamId: string, platformUrl: string | undefined, opts: { clearMarker?: boolean } = {}) {
    const gone = await cache.purge(teamId, opts);
    if (gone && platformUrl) void platform.signOut(platformUrl, gone.session).catch(() => undefined);
    return gone;
  }

  /** the link as sessions may use it: the current Owner's, or suspended (and its cached session purged) */
  async function ownerLink(
    teamId: string,
    link: VirtuozzoLinkRow | null,
  ): Promise<{ outcome: "ok"; link: VirtuozzoLinkRow } | VirtuozzoRefusal> {
    if (!link) return NOT_LINKED();
    const owner = await deps.teams.ownerOf(teamId);
    if (owner?.userId === link.linkedById) return { outcome: "ok", link };
    await purgeAndSignOut(teamId, link.platformUrl);
    return SUSPENDED();
  }

  const actions = {
    /** the link and whether it is active (Owner, provider admin, or a role with virtuozzo.link.manage) */
    async linkStatus(teamId: string, by: TeamActorRef): Promise<{ outcome: "ok"; view: LinkView | null } | VirtuozzoRefusal> {
      const actor = await deps.access.actor(teamId, by);
      if (!actor || !(actor.isOwner || actor.viaAdmin || deps.access.may(actor, VIRTUOZZO_PERMISSIONS.linkManage)))
        return { outcome: "forbidden", ...worded("team.refusal.vzRoleLacks", { permission: VIRTUOZZO_PERMISSIONS.linkManage }) };
      const link = await links.find(teamId);
      if (!link) return { outcome: "ok", view: null };
      const owner = await deps.teams.ownerOf(teamId);
      return { outcome: "ok", view: { link, state: owner?.userId === link.linkedById ? "active" : "suspended" } };
    },

    /** the Owner links (or re-links) the team: verified first; a refusal stores nothing */
    async link(
      teamId: string,
      by: TeamActorRef,
      creds: Credentials,
      request?: ActingRequest,
    ): Promise<{ outcome: "linked"; view: LinkView } | VirtuozzoRefusal> {
      const actor = await ownerOnly(teamId, by, "link");
      if ("outcome" in actor) return actor;
      const platformUrl = platformOf(creds.platformUrl);
      if (typeof platformUrl !== "string") return platformUrl;
      const checked = await verify(platformUrl, creds.login, creds.password);
      if (checked.outcome !== "ok") {
        await record("virtuozzo.link.refused", "failure", { userId: actor.userId, actorId: actor.userId }, request, {
          teamId,
          reason: checked.outcome,
          ...(checked.outcome === "group_refused" ? { groupType: checked.groupType } : {}),
        });
        return checked;
      }
      const previous = await links.find(teamId);
      const link = await links.save({
        teamId,
        platformUrl,
        login: creds.login,
        credential: encryptSecret(deps.masterKey, creds.password, purpose(teamId)),
        groupType: checked.groupType,
        linkedById: actor.userId,
      });
      // sessions of an earlier account are not this one's (signed out where they were made); an earlier refusal is forgotten
      await purgeAndSignOut(teamId, previous?.platformUrl ?? platformUrl, { clearMarker: true });
      await record("virtuozzo.linked", "success", { userId: actor.userId, actorId: actor.userId }, request, {
        teamId,
        platformUrl,
        groupType: checked.groupType,
        accountUid: checked.uid,
      });
      return { outcome: "linked", view: { link, state: "active" } };
    },

    /** the new Owner takes over the suspended link: the stored credential checked again, then theirs */
    async confirm(
      teamId: string,
      by: TeamActorRef,
      request?: ActingRequest,
    ): Promise<{ outcome: "confirmed"; view: LinkView } | VirtuozzoRefusal> {
      const actor = await ownerOnly(teamId, by, "confirm");
      if ("outcome" in actor) return actor;
      const link = await links.find(teamId);
      if (!link) return NOT_LINKED();
      const checked = await verify(link.platformUrl, link.login, decryptSecret(deps.masterKey, link.credential, purpose(teamId)));
      if (checked.outcome !== "ok") {
        await record("virtuozzo.link.refused", "failure", { userId: actor.userId, actorId: actor.userId }, request, {
          teamId,
          reason: checked.outcome,
          action: "confirm",
        });
        return checked.outcome === "credentials_refused" ? { ...checked, ...worded("team.refusal.vzStoredCredentials") } : checked;
      }
      await links.confirm(teamId, actor.userId, checked.groupType);
      await purgeAndSignOut(teamId, link.platformUrl, { clearMarker: true }); // the stored credentials work again
      await record("virtuozzo.link.confirmed", "success", { userId: actor.userId, actorId: actor.userId }, request, {
        teamId,
        previousOwner: link.linkedById,
      });
      return { outcome: "confirmed", view: { link: { ...link, linkedById: actor.userId, groupType: checked.groupType }, state: "active" } };
    },

    /** the Owner (or a provider admin) removes the link; its session is purged and signed out */
    async unlink(teamId: string, by: TeamActorRef, request?: ActingRequest): Promise<{ outcome: "unlinked" } | VirtuozzoRefusal> {
      const actor = await ownerOnly(teamId, by, "unlink", { admin: true });
      if ("outcome" in actor) return actor;
      const link = await links.find(teamId);
      if (!link) return NOT_LINKED();
      await links.remove(teamId);
      await purgeAndSignOut(teamId, link.platformUrl);
      await record("virtuozzo.unlinked", "success", { userId: actor.userId, actorId: actor.userId }, request, {
        teamId,
        ...(actor.viaAdmin ? { viaAdmin: true } : {}),
      });
      return { outcome: "unlinked" };
    },

    /** the Owner chooses which relying parties' client_credentials tokens may get the team's session */
    async setClients(
      teamId: string,
      by: TeamActorRef,
      clientIds: string[],
      request?: ActingRequest,
    ): Promise<{ outcome: "set"; clientIds: string[] } | VirtuozzoRefusal> {
      const actor = await ownerOnly(teamId, by, "authorize clients for");
      if ("outcome" in actor) return actor;
      const unique = [...new Set(clientIds)];
      for (const id of unique)
        if (!(await deps.clientExists(id))) return { outcome: "invalid", field: "clientIds", ...worded("team.refusal.noClient", { id }) };
      if (!(await links.setClients(teamId, unique))) return NOT_LINKED();
      await record("virtuozzo.clients.changed", "success", { userId: actor.userId, actorId: actor.userId }, request, {
        teamId,
        clients: unique.join(","),
      });
      return { outcome: "set", clientIds: unique };
    },
  };

  /** Door A: the registration's check, then the new team linked with the account that passed it */
  const doorA: DoorACheck = {
    async check(platform, request) {
      if (!platform?.login.trim() || !platform.password)
        return {
          ok: false,
          message: "Enter the login and password of your Virtuozzo platform account: a new team needs one whose plan allows it.",
        };
      const checked = await checkRegistration(platform, request);
      return checked.outcome === "allowed"
        ? { ok: true, groupType: checked.groupType, platformUrl: checked.platformUrl }
        : { ok: false, message: checked.message };
    },
    // the row registration writes in its own transaction (queries/registrations.ts), with its virtuozzo.linked event
    teamLink:
      (platform, checked) =>
      ({ teamId, userId }) => ({
        teamId,
        platformUrl: checked.platformUrl,
        login: platform.login.trim(),
        credential: encryptSecret(deps.masterKey, platform.password, purpose(teamId)),
        groupType: checked.groupType,
        linkedById: userId,
      }),
  };

  /** Door A: the group-type check for a registration that creates a team; audited (no user exists yet) */
  async function checkRegistration(
    creds: Credentials,
    request?: RequestInfo,
  ): Promise<{ outcome: "allowed"; groupType: string; platformUrl: string } | VirtuozzoRefusal> {
    const platformUrl = platformOf(creds.platformUrl);
    if (typeof platformUrl !== "string") return platformUrl;
    const checked = await verify(platformUrl, creds.login.trim(), creds.password);
    const data: Record<string, string> = { via: "registration", platformUrl };
    if (checked.outcome !== "ok") data.reason = checked.outcome;
    if (checked.outcome === "ok" || checked.outcome === "group_refused") data.groupType = checked.groupType;
    await record("virtuozzo.billing_check", checked.outcome === "ok" ? "success" : "failure", {}, request, data);
    return checked.outcome === "ok" ? { outcome: "allowed", groupType: checked.groupType, platformUrl } : checked;
  }

  return {
    failure,
    record,
    ownerLink,
    purgeAndSignOut,
    actions,
    doorA,
    checkRegistration,
    unseal: (link: VirtuozzoLinkRow) => decryptSecret(deps.masterKey, link.credential, purpose(link.teamId)),
  };
}
