// What the admin team screens share: their permission and CSRF binding, the 404 pages, the fixed notices a
// redirect after an action names by code (never text from the URL), and the team page's view model: the team,
// its members (the Owner marked, each other member with the roles the admin may give), the pending ownership
// transfer. Everything is read through the team services acting as the admin (asAdmin).
import type { Context } from "koa";
import type { AppContext } from "../../web-context.ts";
import { catalogueError } from "../../errors.ts";
import { asAdmin } from "../../../services/team-admin.ts";
import type { Team } from "../../../queries/teams.ts";
import type { TeamRefusal } from "../../../services/team-roles.ts";
import type { Said } from "../../../lib/i18n/refusal.ts";
import { stamp, type Stamp } from "./users-view.ts";
import { roleNameIn } from "../teams/shared.ts";

/** one CSRF binding for every form on the team screens */
export const TEAMS_CSRF = "admin-teams";

/** what a redirect after a successful action may say: ?notice=<code>, a message key (lib/i18n/en-admin.ts) */
export const TEAM_NOTICES = {
  role_changed: "admin.notice.team.roleChanged",
  role_unchanged: "admin.notice.team.roleUnchanged",
  member_removed: "admin.notice.team.memberRemoved",
  transfer_started: "admin.notice.team.transferStarted",
  transfer_replaced: "admin.notice.team.transferReplaced",
  transfer_cancelled: "admin.notice.team.transferCancelled",
  mfa_required_on: "admin.notice.team.mfaOn",
  mfa_required_off: "admin.notice.team.mfaOff",
} as const;
export type TeamNotice = keyof typeof TEAM_NOTICES;

export const noticeText = (code: unknown): string | undefined =>
  typeof code === "string" && Object.hasOwn(TEAM_NOTICES, code) ? TEAM_NOTICES[code as TeamNotice] : undefined;

export const teamNotFound = () => catalogueError("admin.team_not_found", { startOverUrl: "/admin/teams" });
export const memberNotFound = (teamId: string) => catalogueError("admin.member_not_found", { startOverUrl: `/admin/teams/${teamId}` });

/**
 * a refusal of a team service: 404 pages for not_found; the rest as an error on the team page (its message key
 * and values, said in the page's language) with its status
 */
export function refusalOutcome(refusal: TeamRefusal): { error: Said; status: number } {
  if (refusal.outcome === "not_found") throw teamNotFound();
  return { error: { key: refusal.key, values: refusal.values }, status: refusal.outcome === "forbidden" ? 403 : 400 };
}

/** the team in the URL (a malformed or unknown id is a 404 page) */
export async function teamFromUrl(app: AppContext, ctx: Context): Promise<Team> {
  const team = await app.services.teamAdmin.find(String(ctx.params.teamId ?? ""));
  if (!team) throw teamNotFound();
  return team;
}

export type MemberRow = {
  userId: string;
  username: string;
  email: string;
  name: string | null;
  role: { id: string; name: string };
  isOwner: boolean;
  joined: Stamp;
};

/** the team page's data, as the admin sees it; built-in role names said by `say` (the page's language) */
export async function teamDetailsView(app: AppContext, team: Team, adminId: string, say: (text: string) => string) {
  const roleName = roleNameIn(say);
  const { teamMembers, teamRoles, ownership } = app.services;
  const by = asAdmin(adminId);
  const [listed, assignable, pending] = await Promise.all([
    teamMembers.list(team.id, by),
    teamRoles.assignable(team.id, by),
    ownership.pending(team.id, by),
  ]);
  if (listed.outcome !== "ok" || pending.outcome !== "ok") throw teamNotFound();
  const members: MemberRow[] = listed.members.map((m) => ({
    userId: m.userId,
    username: m.username,
    email: m.email,
    name: m.name,
    role: { id: m.role.id, name: roleName(m.role) },
    isOwner: m.isOwner,
    joined: stamp(m.joinedAt),
  }));
  const owner = members.find((m) => m.isOwner) ?? null;
  const p = pending.pending;
  return {
    team: { id: team.id, name: team.name, slug: team.slug, created: stamp(team.createdAt), requireMfa: team.requireMfa },
    members,
    owner,
    assignable: assignable.map((r) => ({ id: r.id, name: roleName(r) })),
    // never the admin themselves (after joining the team): the service refuses that transfer too
    candidates: members.filter((m) => !m.isOwner && m.userId !== adminId),
    pending: p
      ? {
          username: p.to.username,
          email: p.to.email,
          name: p.to.name,
          started: stamp(p.transfer.createdAt),
          expires: stamp(p.transfer.expiresAt),
        }
      : null,
  };
}
