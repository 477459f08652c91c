// /account/teams/:slug/transfer (Owner only): pick a member to hand the team to (two steps), see and cancel the
// pending transfer. /account/teams/:slug/transfer/accept/:token: the emailed link; signed in as that member, a
// button accepts and the roles swap.
import type Router from "@koa/router";
import type { Context, Middleware } from "koa";
import { z } from "zod";
import type { AppContext } from "../../web-context.ts";
import { forbidden, type TeamActor } from "../../../services/team-roles.ts";
import type { Said } from "../../../lib/i18n/refusal.ts";
import type { TransferLinkReason } from "../../../services/ownership.ts";
import type { MessageKey } from "../../../lib/i18n/index.ts";
import { localeLocals } from "../../locale.ts";
import { type TeamPages } from "./shared.ts";
import { confirmBody, teamForm } from "./form-access.ts";
import { defineForms, formField } from "../../forms.ts";
import { UUID } from "../../../lib/ids.ts";

const TOKEN = /^[\w-]{20,100}$/;
// the member to hand the team to (checked against the members by the handler) and whether this is the confirmed step
const transferBody = confirmBody.extend({ toUserId: formField((v) => String(v ?? "")) });
// what is wrong with an emailed link, as message keys (lib/i18n/en-teams.ts)
const LINK_PROBLEMS: Record<TransferLinkReason, MessageKey> = {
  unknown: "team.accept.unknown",
  used: "team.accept.used",
  cancelled: "team.accept.cancelled",
  expired: "team.accept.expired",
};

export function registerTransferRoutes(router: Router, app: AppContext, pages: TeamPages, body: Middleware): void {
  const { services, csrf } = app;

  async function renderTransfer(ctx: Context, actor: TeamActor, locals: { error?: string | Said; notice?: string } = {}, status = 200) {
    const pending = await services.ownership.pending(actor.team.id, actor.userId);
    if (pending.outcome !== "ok") return pages.refuse(pending);
    const listed = await services.teamMembers.list(actor.team.id, actor.userId);
    const candidates = listed.outcome === "ok" ? listed.members.filter((m) => !m.isOwner) : [];
    return pages.render(
      ctx,
      "transfer",
      actor,
      {
        title: pages.say(ctx, "transfer")("team.title.transfer", { team: actor.team.name }),
        teamSection: "transfer",
        pending: pending.pending,
        candidates,
        ...locals,
      },
      status,
    );
  }

  /** the emailed link's page; `problem`: a message key (LINK_PROBLEMS, team.accept.otherAccount) */
  async function linkPage(ctx: Context, locals: { problem?: MessageKey } & Record<string, unknown>, status = 200) {
    ctx.status = status;
    ctx.set("Cache-Control", "no-store");
    ctx.type = "html";
    const say = pages.say(ctx, "transfer-accept");
    const problem = locals.problem ? { problem: say(locals.problem) } : {};
    ctx.body = await app.views.render("pages/teams/transfer-accept", {
      title: say("team.accept.title"),
      user: pages.account(ctx).user,
      section: "teams",
      ...localeLocals(ctx, "teams/transfer-accept", app.config.defaultLocale),
      ...locals,
      ...problem,
    });
  }
  const token = (ctx: Context) => {
    const value = String(ctx.params.token ?? "");
    return TOKEN.test(value) ? value : null;
  };

  router.get("/account/teams/:slug/transfer", pages.requireAccount, async (ctx) => renderTransfer(ctx, await pages.actor(ctx)));

  const forms = defineForms(router, app, body);
  const team = teamForm(pages);

  forms.post({
    path: "/account/teams/:slug/transfer",
    ...team,
    // only the Owner; refused after the CSRF check like every team POST's refusals
    load: async (_ctx, { scope: actor }) => {
      if (!actor.isOwner) pages.refuse(forbidden("team.refusal.onlyOwnerTransfers"));
    },
    body: transferBody,
    async handle(ctx, { scope: actor, body: { toUserId, confirm } }) {
      const listed = await services.teamMembers.list(actor.team.id, actor.userId);
      const member =
        UUID.test(toUserId) && listed.outcome === "ok" ? listed.members.find((m) => m.userId === toUserId && !m.isOwner) : undefined;
      if (!member) return renderTransfer(ctx, actor, { error: "team.refusal.chooseMember" }, 400);
      if (!confirm) {
        const say = pages.say(ctx, "confirm");
        return pages.confirm(ctx, actor, {
          title: say("team.transfer.heading"),
          message: say("team.transfer.question", { username: member.username, email: member.email, team: actor.team.name }),
          action: `/account/teams/${actor.team.slug}/transfer`,
          button: say("team.transfer.send", { username: member.username }),
          fields: { toUserId: member.userId },
          back: `/account/teams/${actor.team.slug}/transfer`,
        });
      }
      // spent only by the confirmed step (it sends the email), not by the confirmation page
      await app.rateLimits.invitesPerUser.consume(actor.userId);
      const result = await services.ownership.start(actor.team.id, actor.userId, member.userId, pages.requestInfo(ctx));
      if (result.outcome === "not_found") return pages.refuse(result);
      if (result.outcome !== "started") return renderTransfer(ctx, actor, { error: result }, result.outcome === "invalid" ? 400 : 403);
      return renderTransfer(ctx, actor, {
        notice: pages.say(ctx, "transfer")(result.replaced ? "team.transfer.sentReplaced" : "team.transfer.sent", {
          username: member.username,
        }),
      });
    },
  });

  forms.post({
    path: "/account/teams/:slug/transfer/cancel",
    ...team,
    body: z.object({}),
    async handle(ctx, { scope: actor }) {
      const result = await services.ownership.cancel(actor.team.id, actor.userId, pages.requestInfo(ctx));
      if (result.outcome === "not_found" || result.outcome === "forbidden") return pages.refuse(result);
      if (result.outcome === "invalid") return renderTransfer(ctx, actor, { error: result }, 400);
      return renderTransfer(
        ctx,
        actor,
        result.outcome === "cancelled" ? { notice: "team.transfer.cancelled" } : { error: "team.transfer.nothingPending" },
        result.outcome === "cancelled" ? 200 : 400,
      );
    },
  });

  router.get("/account/teams/:slug/transfer/accept/:token", pages.requireAccount, async (ctx) => {
    const value = token(ctx);
    const slug = String(ctx.params.slug);
    const inspected = value ? await services.ownership.inspect(slug, value) : ({ outcome: "invalid", reason: "unknown" } as const);
    if (inspected.outcome !== "valid") return linkPage(ctx, { problem: LINK_PROBLEMS[inspected.reason] }, 400);
    const { details } = inspected;
    if (details.to.id !== pages.account(ctx).user.id) {
      return linkPage(ctx, { problem: "team.accept.otherAccount" }, 403);
    }
    return linkPage(ctx, { details, action: ctx.path, csrfToken: csrf.token(ctx, "transfer-accept") });
  });

  forms.post({
    path: "/account/teams/:slug/transfer/accept/:token",
    guard: pages.requireAccount,
    csrf: "transfer-accept",
    rateLimit: { limit: "accountPerIp" },
    body: z.object({}),
    async handle(ctx) {
      const value = token(ctx);
      const result = value
        ? await services.ownership.accept(String(ctx.params.slug), value, pages.account(ctx).user, pages.requestInfo(ctx))
        : ({ outcome: "invalid", reason: "unknown" } as const);
      if (result.outcome === "wrong_account") return linkPage(ctx, { problem: "team.accept.otherAccount" }, 403);
      if (result.outcome === "invalid") return linkPage(ctx, { problem: LINK_PROBLEMS[result.reason] }, 400);
      return linkPage(ctx, { accepted: result.team });
    },
  });
}
