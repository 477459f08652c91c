// What every admin team action (teams-actions.ts) does around its own step: the form declaration's parts
// (http/forms.ts: the guard, CSRF, then the team in the URL, the fields), the member named in the URL or the form,
// the admin as the team actor (asAdmin) and where the request came from, the redirect with a notice code, and the
// confirmation page (its texts said by `say` in the confirmation page's language).
import type { Context } from "koa";
import type { AppContext } from "../../web-context.ts";
import { refusalError } from "../../errors.ts";
import { asAdmin } from "../../../services/team-admin.ts";
import type { Team } from "../../../queries/teams.ts";
import type { MemberView } from "../../../services/team-members.ts";
import type { AdminRouteHelpers } from "./shared.ts";
import { memberNotFound, teamNotFound, teamFromUrl, TEAMS_CSRF, type TeamNotice } from "./teams-view.ts";
import { UUID } from "../../../lib/ids.ts";
import { z } from "zod";
import { formField } from "../../forms.ts";
import { ADMIN_PERMISSIONS } from "../../../authz/core-permissions.ts";
import { sayFor } from "./config-words.ts";

/** the fields of the team action forms, trimmed ("" when missing or sent twice); each action reads its own */
const trimmed = formField((v) => (typeof v === "string" ? v.trim() : ""));
export const teamActionBody = z.object({ roleId: trimmed, toUserId: trimmed, required: trimmed, confirm: trimmed });
export type TeamActionForm = z.output<typeof teamActionBody>;

export type Confirmation = { title: string; message: string; button: string; action: string; fields?: Record<string, string> };

/** a member as the confirmation pages name them: display name (when set), username and email */
export const who = (m: MemberView) => (m.name ? `${m.name} (${m.username}, ${m.email})` : `${m.username} (${m.email})`);

export function createTeamActionKit(app: AppContext, h: AdminRouteHelpers) {
  const { services, csrf } = app;
  const adminId = (ctx: Context) => h.admin(ctx).user.id;
  const by = (ctx: Context) => asAdmin(adminId(ctx));

  /** a member of the team by id (a malformed or unknown id, or no member: undefined) */
  async function memberOf(ctx: Context, team: Team, userId: string): Promise<MemberView | undefined> {
    if (!UUID.test(userId)) return undefined;
    const listed = await services.teamMembers.list(team.id, by(ctx));
    if (listed.outcome === "not_found") throw teamNotFound();
    if (listed.outcome !== "ok")
      throw refusalError(listed.outcome === "forbidden" ? "team.forbidden" : "team.invalid", listed, {
        startOverUrl: `/admin/teams/${team.id}`,
      });
    return listed.members.find((m) => m.userId === userId.toLowerCase());
  }

  return {
    services,
    adminId,
    by,
    memberOf,
    /** what every team action form declares (defineForms): the admin's permission, CSRF, then the team in the URL (404) */
    form: {
      guard: h.requireAdmin(ADMIN_PERMISSIONS.teamsManage),
      csrf: TEAMS_CSRF,
      load: (ctx: Context): Promise<Team> => teamFromUrl(app, ctx),
      body: teamActionBody,
    },
    /** the confirmation page's words for this request */
    say: (ctx: Context) => sayFor(ctx, "confirm", app.config.defaultLocale),
    request(ctx: Context) {
      const { ip, userAgent } = h.actor(ctx);
      return { ip, userAgent };
    },
    /** the member in the URL, or a 404 page */
    async memberFromUrl(ctx: Context, team: Team): Promise<MemberView> {
      const member = await memberOf(ctx, team, String(ctx.params.userId ?? ""));
      if (!member) throw memberNotFound(team.id);
      return member;
    },
    done(ctx: Context, team: Team, notice: TeamNotice): void {
      ctx.status = 303;
      ctx.redirect(`/admin/teams/${team.id}?notice=${notice}`);
    },
    showConfirmation: (ctx: Context, team: Team, c: Confirmation) =>
      h.render(ctx, "confirm", {
        section: "teams",
        title: c.title,
        cardClass: "admin-teams",
        confirm: { ...c, back: `/admin/teams/${team.id}` },
        csrfToken: csrf.token(ctx, TEAMS_CSRF),
      }),
  };
}

export type TeamActionKit = ReturnType<typeof createTeamActionKit>;
