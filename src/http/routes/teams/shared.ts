// What every team management page shares: the signed-in account, the team from the URL (404 for anyone who is
// not a member, so another team's existence and data never show), the page frame with the team's sections,
// one CSRF binding per team, refusals as 403/404 pages (lib/error-catalogue.ts's team.* codes), the two-step
// confirmation of destructive actions, and the pages' words in the request's language (lib/i18n/en-teams.ts).
import type { Context } from "koa";
import type { AppContext } from "../../web-context.ts";
import { createAccountSessions, requireAccountMiddleware, type AccountSession } from "../../account-session.ts";
import { catalogueError, refusalError } from "../../errors.ts";
import { pageLanguage, saidTexts, type Say } from "../../locale.ts";
import type { MessageKey } from "../../../lib/i18n/index.ts";
import { BUILT_IN_TEAM_ROLES } from "../../../authz/core-permissions.ts";
import { OWNER_ROLE, TEAM_PERMISSIONS, type TeamActor, type TeamRefusal } from "../../../services/team-roles.ts";

export type TeamSection = "members" | "roles" | "invitations" | "transfer" | "virtuozzo" | "sso";
export type Confirmation = {
  title: string;
  message: string;
  action: string;
  button: string;
  fields?: Record<string, string>;
  back: string;
};

export const SLUG = /^[a-z0-9-]{1,48}$/;

export type { Say };

const BUILT_IN_NAMES: ReadonlyMap<string, string> = new Map(BUILT_IN_TEAM_ROLES.map((r) => [r.key, r.name]));
/**
 * a role's name in the page's language: a built-in role (Owner, Manager, Developer) still under its own name is
 * translated; a renamed or custom role keeps the name its team typed
 */
export const roleNameIn =
  (say: Say) =>
  (role: { key: string; name: string }): string =>
    BUILT_IN_NAMES.get(role.key) === role.name ? say(`team.role.${role.key}` as MessageKey) : role.name;

/** a form value that may arrive once, many times, or (over 20 times) as an object with numeric keys */
export function listOf(value: unknown): string[] {
  if (typeof value === "string") return [value];
  const values = Array.isArray(value) ? value : value && typeof value === "object" ? Object.values(value) : [];
  return values.filter((v): v is string => typeof v === "string");
}

export function createTeamPages(app: AppContext) {
  const sessions = createAccountSessions(app);
  const { csrf } = app;

  const notFound = () => catalogueError("team.not_member", { startOverUrl: "/account" });

  const pages = {
    requireAccount: requireAccountMiddleware(sessions),
    account: (ctx: Context) => ctx.state.account as AccountSession,
    requestInfo: (ctx: Context) => ({ ip: ctx.ip, userAgent: ctx.get("user-agent") || null }),
    submitted: (ctx: Context) => (ctx.request.body as Record<string, unknown> | undefined) ?? {},

    /** the signed-in user's membership of the team in the URL, or a 404 page */
    async actor(ctx: Context): Promise<TeamActor> {
      const slug = String(ctx.params.slug ?? "");
      const actor = SLUG.test(slug) ? await app.services.teamRoles.actorBySlug(slug, pages.account(ctx).user.id) : null;
      if (!actor) throw notFound();
      ctx.state.teamActor = actor;
      return actor;
    },
    /** POSTs on a team's pages: one CSRF binding per team and browser */
    verify(ctx: Context, actor: TeamActor) {
      csrf.verify(ctx, `team:${actor.team.id}`, pages.submitted(ctx)._csrf);
    },
    /** a refusal from a service as a page (its key said in the page's language): 404 (no such thing here), 403 (not allowed), 400 */
    refuse(refusal: TeamRefusal): never {
      if (refusal.outcome === "not_found") throw notFound();
      throw refusalError(refusal.outcome === "forbidden" ? "team.forbidden" : "team.invalid", refusal, { startOverUrl: "/account" });
    },

    /**
     * the request's words for a team page (`say("team.members.removed", { username })`, or a service's fixed
     * English text): in the page's language when that page is translated (http/locale.ts), else English
     */
    say: (ctx: Context, page: string): Say => pageLanguage(ctx, `teams/${page}`, app.config.defaultLocale).say,

    /** which of the team's sections the actor may open */
    sections(actor: TeamActor): TeamSection[] {
      const may = (code: string) => app.services.permissions.can(actor.role.permissions, code);
      return [
        ...(may(TEAM_PERMISSIONS.read) ? (["members"] as const) : []),
        ...(may(TEAM_PERMISSIONS.read) || may(TEAM_PERMISSIONS.roles) ? (["roles"] as const) : []),
        ...(may(TEAM_PERMISSIONS.invitations) ? (["invitations"] as const) : []),
        ...(actor.role.key === OWNER_ROLE ? (["transfer"] as const) : []),
        // email domains and single sign-on (#17 item 3; sso.ts): the Owner's
        ...(actor.role.key === OWNER_ROLE ? (["sso"] as const) : []),
        // the Virtuozzo plugin's link page (#19), only while the plugin is on (its codes exist only then)
        ...(app.config.virtuozzo.enabled && (actor.role.key === OWNER_ROLE || may("virtuozzo.link.manage"))
          ? (["virtuozzo"] as const)
          : []),
      ];
    },

    async render(ctx: Context, page: string, actor: TeamActor, locals: Record<string, unknown>, status = 200) {
      ctx.status = status;
      ctx.set("Cache-Control", "no-store");
      ctx.type = "html";
      // a translated page (http/locale.ts's TRANSLATED_PAGES, "teams/<page>") gets its language, the account's time
      // zone, and its title, error and notice (a message key or a fixed English text; an error may also be a
      // service's refusal, its key with its values) in that language
      const { locals: language, say } = pageLanguage(ctx, `teams/${page}`, app.config.defaultLocale);
      const roleName = roleNameIn(say);
      const texts = saidTexts(locals, say);
      ctx.body = await app.views.render(`pages/teams/${page}`, {
        user: pages.account(ctx).user,
        section: "teams",
        team: actor.team,
        myRole: actor.role,
        isOwner: actor.isOwner,
        sections: pages.sections(actor),
        csrfToken: csrf.token(ctx, `team:${actor.team.id}`),
        base: `/account/teams/${actor.team.slug}`,
        roleName,
        ...language,
        ...locals,
        ...texts,
      });
    },

    /** the second step of a destructive action: a page that says what will happen, with one clear button */
    confirm(ctx: Context, actor: TeamActor, c: Confirmation) {
      return pages.render(ctx, "confirm", actor, { title: c.title, confirm: c, teamSection: "" });
    },
    /** whether this POST is the confirmed second step */
    confirmed: (ctx: Context) => pages.submitted(ctx).confirm === "yes",
  };

  return pages;
}

export type TeamPages = ReturnType<typeof createTeamPages>;
