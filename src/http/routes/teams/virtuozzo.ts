// /account/teams/:slug/virtuozzo (the Virtuozzo plugin, only while it is on): the team's platform link. Everyone
// with the page (the Owner, roles with virtuozzo.link.manage) sees the link's state; the Owner links or re-links
// with the platform login and password (checked against the platform), confirms a link suspended by an ownership
// transfer, unlinks (two steps), revokes the cached session and sets the relying parties (client ids) whose
// client_credentials tokens may get the team's session (shown to everyone with the page, so a new Owner sees the
// clients they inherit before confirming). services/virtuozzo/ decides and audits.
import type Router from "@koa/router";
import type { Context, Middleware } from "koa";
import { z } from "zod";
import type { AppContext } from "../../web-context.ts";
import { forbidden, type TeamActor } from "../../../services/team-roles.ts";
import type { Said } from "../../../lib/i18n/refusal.ts";
import type { VirtuozzoRefusal } from "../../../services/virtuozzo/index.ts";
import type { TeamPages } from "./shared.ts";
import { confirmBody, teamForm } from "./form-access.ts";
import { defineForms, formField } from "../../forms.ts";

const STATUS: Record<VirtuozzoRefusal["outcome"], number> = {
  forbidden: 403,
  invalid: 400,
  not_linked: 404,
  suspended: 409,
  credentials_refused: 400,
  group_refused: 403,
  unavailable: 503,
  malformed: 502,
};

const text = (value: unknown, max: number) => String(value ?? "").slice(0, max);
const field = (max: number) => formField((v) => text(v, max));
const linkBody = z.object({
  login: field(320).pipe(z.string().trim().min(1, "team.vz.enterLogin")),
  password: field(1024).pipe(z.string().min(1, "team.vz.enterLogin")),
  platformUrl: field(2048).transform((v) => v || undefined),
});

export function registerVirtuozzoRoutes(router: Router, app: AppContext, pages: TeamPages, body: Middleware): void {
  if (!app.config.virtuozzo.enabled) return;
  const vz = app.services.virtuozzo;

  async function render(
    ctx: Context,
    actor: TeamActor,
    locals: { error?: string | Said; notice?: string; login?: string } = {},
    status = 200,
  ) {
    const state = await vz.linkStatus(actor.team.id, actor.userId);
    if (state.outcome !== "ok") return pages.refuse(forbidden(state.key, state.values));
    const say = pages.say(ctx, "virtuozzo");
    if (status === 503 || status === 502) ctx.set("Retry-After", "5");
    return pages.render(
      ctx,
      "virtuozzo",
      actor,
      {
        title: say("team.title.virtuozzo", { team: actor.team.name }),
        teamSection: "virtuozzo",
        view: state.view,
        platforms: vz.platformUrls,
        ...locals,
      },
      status,
    );
  }
  const refused = (ctx: Context, actor: TeamActor, r: VirtuozzoRefusal, login?: string) =>
    r.outcome === "forbidden" ? pages.refuse(r) : render(ctx, actor, { error: r, login }, STATUS[r.outcome]);

  router.get("/account/teams/:slug/virtuozzo", pages.requireAccount, async (ctx) => render(ctx, await pages.actor(ctx)));

  const forms = defineForms(router, app, body);
  const team = teamForm(pages);
  const nothing = z.object({});

  forms.post({
    path: "/account/teams/:slug/virtuozzo/link",
    ...team,
    body: linkBody,
    invalid: (ctx, problem, { scope, submitted }) =>
      render(ctx, scope, { error: problem.message, login: text(submitted.login, 320).trim() }, 400),
    async handle(ctx, { scope: actor, body: { login, password, platformUrl } }) {
      const r = await vz.link(actor.team.id, actor.userId, { login, password, platformUrl }, pages.requestInfo(ctx));
      if (r.outcome !== "linked") return refused(ctx, actor, r, login);
      return render(ctx, actor, {
        notice: pages.say(ctx, "virtuozzo")("team.vz.linked", { login: r.view.link.login, groupType: r.view.link.groupType }),
      });
    },
  });

  forms.post({
    path: "/account/teams/:slug/virtuozzo/confirm",
    ...team,
    body: nothing,
    async handle(ctx, { scope: actor }) {
      const r = await vz.confirm(actor.team.id, actor.userId, pages.requestInfo(ctx));
      if (r.outcome !== "confirmed") return refused(ctx, actor, r);
      return render(ctx, actor, { notice: "team.vz.confirmed" });
    },
  });

  forms.post({
    path: "/account/teams/:slug/virtuozzo/unlink",
    ...team,
    body: confirmBody,
    async handle(ctx, { scope: actor, body: { confirm } }) {
      if (!confirm) {
        const say = pages.say(ctx, "confirm");
        return pages.confirm(ctx, actor, {
          title: say("team.vz.unlinkTitle"),
          back: `/account/teams/${actor.team.slug}/virtuozzo`,
          action: `/account/teams/${actor.team.slug}/virtuozzo/unlink`,
          button: say("team.vz.unlinkButton"),
          message: say("team.vz.unlinkQuestion", { team: actor.team.name }),
        });
      }
      const r = await vz.unlink(actor.team.id, actor.userId, pages.requestInfo(ctx));
      if (r.outcome !== "unlinked") return refused(ctx, actor, r);
      return render(ctx, actor, { notice: "team.vz.unlinked" });
    },
  });

  forms.post({
    path: "/account/teams/:slug/virtuozzo/clients",
    ...team,
    body: z.object({
      clientIds: formField((v) =>
        text(v, 4096)
          .split(/[\s,]+/)
          .filter(Boolean),
      ),
    }),
    async handle(ctx, { scope: actor, body: { clientIds } }) {
      const r = await vz.setClients(actor.team.id, actor.userId, clientIds, pages.requestInfo(ctx));
      if (r.outcome !== "set") return refused(ctx, actor, r);
      return render(ctx, actor, {
        notice: r.clientIds.length
          ? pages.say(ctx, "virtuozzo")("team.vz.clientsSet", { clients: r.clientIds.join(", ") })
          : "team.vz.noClients",
      });
    },
  });

  forms.post({
    path: "/account/teams/:slug/virtuozzo/revoke",
    ...team,
    body: nothing,
    async handle(ctx, { scope: actor }) {
      const r = await vz.revoke(actor.team.id, actor.userId, pages.requestInfo(ctx));
      if (r.outcome !== "revoked") return refused(ctx, actor, r);
      return render(ctx, actor, { notice: r.hadSession ? "team.vz.revoked" : "team.vz.noSession" });
    },
  });
}
