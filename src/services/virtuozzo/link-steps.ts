// The steps a team's platform link (linking.ts) shares between its actions: the audit record (without the login's
// password or any session), the Owner-only check (audited when refused), the cached session purged and signed
// out, the link as sessions may use it (suspended once the Owner changed), and the password sealed with the
// master key (bound to the team).
import { decryptSecret, encryptSecret } from "../../lib/crypto.ts";
import type { VirtuozzoLinkRow } from "../../queries/virtuozzo-links.ts";
import type { TeamActor, TeamActorRef } from "../team-roles.ts";
import type { MessageKey } from "../../lib/i18n/index.ts";
import { worded } from "../../lib/i18n/refusal.ts";
import { requestOf } from "../admin-actor.ts";
import type { ActingRequest, LinkingDeps, VirtuozzoRefusal } from "./link-types.ts";

export const NOT_LINKED = () => ({ outcome: "not_linked", ...worded("team.refusal.vzNotLinked") }) as const;
const SUSPENDED = () => ({ outcome: "suspended", ...worded("team.refusal.vzSuspended") }) as const;
/** who may change the link, by action (the audit's `action`) */
const OWNER_ONLY: Record<"link" | "confirm" | "unlink" | "authorize clients for", MessageKey> = {
  link: "team.refusal.vzOwnerLinks",
  confirm: "team.refusal.vzOwnerConfirms",
  unlink: "team.refusal.vzOwnerUnlinks",
  "authorize clients for": "team.refusal.vzOwnerClients",
};

/** what the sealed password is bound to: its team */
const purpose = (teamId: string) => `virtuozzo:link:${teamId}`;

export function createLinkSteps(deps: LinkingDeps) {
  const { platform, cache } = deps;

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

  return {
    record,
    ownerOnly,
    purgeAndSignOut,
    ownerLink,
    seal: (teamId: string, password: string) => encryptSecret(deps.masterKey, password, purpose(teamId)),
    unseal: (teamId: string, credential: string) => decryptSecret(deps.masterKey, credential, purpose(teamId)),
  };
}

export type LinkSteps = ReturnType<typeof createLinkSteps>;
