// The Virtuozzo plugin's use cases (issue #19; plugins/virtuozzo/README.md): a team's link to its platform account
// (Owner only; the password verified against the platform, then sealed with the master key), team-scoped platform
// sessions for members holding virtuozzo.session.read and for the relying parties the Owner authorized (client
// credentials), Owner-only forced refresh and revoke, the group-type check (linking and Door A registration).
// Sessions are created only from the link of the team's current Owner: an ownership transfer suspends the link
// (the stored linkedById is no longer the Owner) until the new Owner confirms or re-links; suspension, unlinking
// and a platform refusal purge the cached session. Passwords and sessions never reach logs, audit data or errors.
import type { Clock } from "../../lib/clock.ts";
import type { Logger } from "../../lib/logger.ts";
import type { RedisClient } from "../../db/redis.ts";
import type { TeamQueries } from "../../queries/teams.ts";
import type { VirtuozzoLinkQueries, VirtuozzoLinkRow } from "../../queries/virtuozzo-links.ts";
import type { AuditService } from "../audit.ts";
import type { TeamAccess, TeamActor, TeamActorRef } from "../team-roles.ts";
import type { RequestInfo } from "../notifications.ts";
import type { ActingRequest } from "./linking.ts";
import { createPlatform, type Platform, type PlatformFailure } from "./platform.ts";
import { createSessionCache, type CacheAnswer, type CachedSession } from "./session-cache.ts";
import { createLinking, type VirtuozzoRefusal } from "./linking.ts";

export type { Credentials, VirtuozzoRefusal } from "./linking.ts";
import { VIRTUOZZO_PERMISSIONS } from "./permissions.ts";
import { worded } from "../../lib/i18n/refusal.ts";
import { requestOf } from "../admin-actor.ts";
export { VIRTUOZZO_PERMISSIONS };

const REFUSED_STORED = () => ({ outcome: "credentials_refused", ...worded("team.refusal.vzTeamCredentials") }) as const;
const UNAVAILABLE = () => ({ outcome: "unavailable", ...worded("team.refusal.vzUnavailable") }) as const;

export type VirtuozzoSettings = {
  enabled: boolean;
  platformUrls: string[];
  allowedGroupTypes: string[];
  safetyWindowSeconds: number;
  sessionTtlSeconds: number;
  timeoutMs: number;
};
/** who asks for a team's session: a user (a member, or a provider admin acting for the team) or a relying party's own token */
export type SessionCaller = { kind: "user"; by: TeamActorRef } | { kind: "client"; clientId: string };
export type TeamSession = { session: string; expiresAt: Date; platformUrl: string; refreshed: boolean };

export function createVirtuozzo(deps: {
  links: VirtuozzoLinkQueries;
  teams: Pick<TeamQueries, "ownerOf" | "findById">;
  access: TeamAccess;
  audit: AuditService;
  redis: RedisClient;
  clock: Clock;
  log: Logger;
  masterKey: Buffer;
  settings: VirtuozzoSettings;
  clientExists: (clientId: string) => Promise<boolean>;
  /** tests: another fetch */
  platform?: Platform;
}) {
  const { links, audit, settings } = deps;
  const platform = deps.platform ?? createPlatform({ timeoutMs: settings.timeoutMs });
  const cache = createSessionCache({
    redis: deps.redis,
    clock: deps.clock,
    masterKey: deps.masterKey,
    safetyWindowSeconds: settings.safetyWindowSeconds,
    sessionTtlSeconds: settings.sessionTtlSeconds,
    timeoutMs: settings.timeoutMs,
  });
  const linking = createLinking({ ...deps, platform, cache });
  const { failure, record, ownerLink } = linking;

  /** may this caller read the team's session? The actor (users) for the audit, or a refusal */
  async function mayRead(
    teamId: string,
    caller: SessionCaller,
    link: VirtuozzoLinkRow | null,
  ): Promise<{ actor: TeamActor | null } | VirtuozzoRefusal> {
    if (caller.kind === "client") {
      if (link?.clientIds.includes(caller.clientId)) return { actor: null };
      return { outcome: "forbidden", ...worded("team.refusal.vzClientNotAuthorized") };
    }
    const actor = await deps.access.actor(teamId, caller.by);
    if (!actor) return { outcome: "forbidden", ...worded("team.refusal.vzNotMember") };
    if (actor.isOwner || actor.viaAdmin || deps.access.may(actor, VIRTUOZZO_PERMISSIONS.sessionRead)) return { actor };
    return { outcome: "forbidden", ...worded("team.refusal.vzRoleLacks", { permission: VIRTUOZZO_PERMISSIONS.sessionRead }) };
  }

  const callerIds = (caller: SessionCaller, actor: TeamActor | null) =>
    caller.kind === "client"
      ? { clientId: caller.clientId, actorId: null }
      : { clientId: null, actorId: actor?.userId ?? (typeof caller.by === "string" ? caller.by : caller.by.adminId) };

  async function denied(
    teamId: string,
    caller: SessionCaller,
    action: string,
    refusal: VirtuozzoRefusal,
    request?: RequestInfo,
  ): Promise<VirtuozzoRefusal> {
    const ids = callerIds(caller, null);
    await audit.record({
      type: "virtuozzo.session.denied",
      outcome: "failure",
      userId: ids.actorId,
      actorId: ids.actorId,
      clientId: ids.clientId,
      ...requestOf(request),
      data: { teamId, action },
    });
    return refusal;
  }

  /** one sign-in with the team's stored credential; a refusal is audited once (the cache's marker keeps it from being retried) */
  async function signInFor(link: VirtuozzoLinkRow): Promise<{ outcome: "ok"; session: string } | VirtuozzoRefusal> {
    const made = await platform.signIn(link.platformUrl, link.login, linking.unseal(link));
    if (made.outcome === "ok") return made;
    if (made.outcome === "refused") {
      await record("virtuozzo.session.refused", "failure", { userId: link.linkedById }, undefined, {
        teamId: link.teamId,
        result: made.result,
      });
      return REFUSED_STORED();
    }
    return failure(made as PlatformFailure, "sign-in");
  }

  const signOut = (platformUrl: string, session: string | undefined) => {
    if (session) void platform.signOut(platformUrl, session).catch(() => undefined);
  };

  /** the cache's answer as the caller's: sessions nobody may have any more are signed out at the platform */
  function answerOf(
    got: CacheAnswer<VirtuozzoRefusal>,
    link: VirtuozzoLinkRow,
  ): { outcome: "ok"; cached: CachedSession; refreshed: boolean } | VirtuozzoRefusal {
    switch (got.outcome) {
      case "ok":
        signOut(link.platformUrl, got.replaced);
        return got;
      case "failed":
        signOut(link.platformUrl, got.dropped);
        return got.failure;
      case "marked":
        return got.marker === "refused" ? REFUSED_STORED() : UNAVAILABLE();
      case "busy":
        signOut(link.platformUrl, got.dropped);
        return { outcome: "unavailable", ...worded("team.refusal.vzSessionReplaced") };
    }
  }

  async function session(
    teamId: string,
    caller: SessionCaller,
    request?: RequestInfo,
    opts: { force?: boolean } = {},
  ): Promise<({ outcome: "ok" } & TeamSession) | VirtuozzoRefusal> {
    // the epoch before the link: a re-link (or unlink, Owner change) after this read keeps this request's sign-in out of the cache
    const epoch = await cache.epoch(teamId);
    const link = await links.find(teamId);
    const action = opts.force ? "refresh" : "read";
    const allowed = await mayRead(teamId, caller, link);
    if ("outcome" in allowed) return denied(teamId, caller, action, allowed, request);
    if (opts.force && !(allowed.actor?.isOwner || allowed.actor?.viaAdmin)) {
      return denied(teamId, caller, "refresh", { outcome: "forbidden", ...worded("team.refusal.vzOwnerRefreshes") }, request);
    }
    const state = await ownerLink(teamId, link);
    if (state.outcome !== "ok") return state;
    // a link stored for a platform no longer configured is not used (VIRTUOZZO_PLATFORM_URLS may have changed)
    if (!settings.platformUrls.includes(state.link.platformUrl)) return { outcome: "suspended", ...worded("team.refusal.vzPlatformGone") };
    const got = answerOf(await cache.get(teamId, epoch, () => signInFor(state.link), opts), state.link);
    if (got.outcome !== "ok") return got;
    const ids = callerIds(caller, allowed.actor);
    // a provider admin reading (or refreshing) a team's session is audited like the Owner's forced refresh
    if (opts.force || allowed.actor?.viaAdmin) {
      await record(
        opts.force ? "virtuozzo.session.refreshed" : "virtuozzo.session.read",
        "success",
        { userId: ids.actorId, actorId: ids.actorId },
        request,
        { teamId, ...(allowed.actor?.viaAdmin ? { viaAdmin: true } : {}) },
      );
    }
    return {
      outcome: "ok",
      session: got.cached.session,
      expiresAt: got.cached.expiresAt,
      platformUrl: state.link.platformUrl,
      refreshed: got.refreshed,
    };
  }

  return {
    enabled: settings.enabled,
    platformUrls: settings.platformUrls,
    /** the team's current Owner (the CLI acts as them: the link is the Owner's) */
    ownerId: async (teamId: string) => (await deps.teams.ownerOf(teamId))?.userId ?? null,
    ...linking.actions,
    /** the team's platform session (cached; lazily refreshed inside the safety window) */
    session: (teamId: string, caller: SessionCaller, request?: RequestInfo) => session(teamId, caller, request),
    /** Owner or provider admin: a new session now, whatever is cached */
    refresh: (teamId: string, by: TeamActorRef, request?: ActingRequest) => session(teamId, { kind: "user", by }, request, { force: true }),
    /** Owner or provider admin: forget the cached session and sign it out at the platform */
    async revoke(
      teamId: string,
      by: TeamActorRef,
      request?: ActingRequest,
    ): Promise<{ outcome: "revoked"; hadSession: boolean } | VirtuozzoRefusal> {
      const actor = await deps.access.actor(teamId, by);
      if (!actor || !(actor.isOwner || actor.viaAdmin)) {
        return denied(teamId, { kind: "user", by }, "revoke", { outcome: "forbidden", ...worded("team.refusal.vzOwnerRevokes") }, request);
      }
      const link = await links.find(teamId);
      const gone = await linking.purgeAndSignOut(teamId, link?.platformUrl);
      await record("virtuozzo.session.revoked", "success", { userId: actor.userId, actorId: actor.userId }, request, {
        teamId,
        hadSession: Boolean(gone),
      });
      return { outcome: "revoked", hadSession: Boolean(gone) };
    },
    /**
     * the team's Owner changed (services/ownership.ts): the link is suspended, its cached session purged and signed
     * out now (sessions also check the Owner, so a failure here only delays the sign-out; it is logged, not thrown)
     */
    async ownerChanged(teamId: string): Promise<void> {
      try {
        const link = await links.find(teamId);
        if (!link) return;
        const gone = await linking.purgeAndSignOut(teamId, link.platformUrl);
        await record("virtuozzo.link.suspended", "success", { userId: link.linkedById }, undefined, { teamId, hadSession: Boolean(gone) });
      } catch (err) {
        deps.log.warn(
          { teamId, err: (err as Error).name },
          "virtuozzo: could not purge the team's session after its Owner changed; the next request does",
        );
      }
    },
    /** callers of this process waiting for another caller's sign-in now (single flight, as seen from outside) */
    refreshWaiters: () => cache.waiting(),
    /** Door A (and linking): is this platform account's group type allowed? Audited either way */
    checkRegistration: linking.checkRegistration,
    /** Door A's billing check for the registration service (only wired while the plugin is on) */
    doorA: linking.doorA,
  };
}

export type Virtuozzo = ReturnType<typeof createVirtuozzo>;
