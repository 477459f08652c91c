// /account/teams/:slug/transfer (Owner only): pick a member to hand the team to (two steps), see and cancel the
// pending transfer. /account/teams/:slug/transfer/accept/:token: the emailed link; signed in as that member, a
// button accepts and the roles swap.
import type Router from "@koa/router";
import type { Context, Middleware } from "koa";
import { z } from "zod";
import type { AppContext } from "../../web-context.ts";
import type { TeamActor } from "../../../services/team-roles.ts";
import type { TransferLinkReason } from "../../../services/ownership.ts";
import { type TeamPages } from "./shared.ts";
import { confirmBody, teamForm } from "./form-access.ts";
import { defineForms, formField } from "../../forms.ts";
import { UUID } from "../../../lib/ids.ts";

const TOKEN = /^[\w-]{20,100}$/;
// the member to hand the team to (checked against the members by the handler) and whether this is the confirmed step
const transferBody = confirmBody.extend({ toUserId: formField((v) => String(v ?? "")) });
const LINK_PROBLEMS: Record<TransferLinkReason, string> = {
  unknown: "This ownership transfer link is not valid. Check that you copied the whole link from the email.",
  used: "This ownership transfer was already accepted.",
  cancelled: "The Owner cancelled this ownership transfer (or started another one).",
  expired: "This ownership transfer link has expired. The Owner can start a new transfer.",
};

export function registerTransferRoutes(router: Router, app: AppContext, pages: TeamPages, body: Middleware): void {
  const { services, csrf } = app;

  async function renderTransfer(ctx: Context, actor: TeamActor, locals: { error?: string; notice?: string } = {}, status = 200) {
    const pending = await services.ownership.pending(actor.team.id, actor.userId);
    if (pending.outcome !== "ok") return pages.refuse(pending);
    const listed = await services.teamMembers.list(actor.team.id, actor.userId);
    const candidates = listed.outcome === "ok" ? listed.members.filter((m) => !m.isOwner) : [];
    return pages.render(ctx, "transfer", actor, { title: `${actor.team.name}: transfer ownership`, teamSection: "transfer", pending: pending.pending, candidates, ...locals }, status);
  }

  async function linkPage(ctx: Context, locals: Record<string, unknown>, status = 200) {
    ctx.status = status;
    ctx.set("Cache-Control", "no-store");
    ctx.type = "html";
    ctx.body = await app.views.render("pages/teams/transfer-accept", { title: "Ownership transfer", user: pages.account(ctx).user, section: "teams", ...locals });
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
      if (!actor.isOwner) pages.refuse({ outcome: "forbidden", message: "Only the team's Owner can transfer ownership." });
    },
    body: transferBody,
    async handle(ctx, { scope: actor, body: { toUserId, confirm } }) {
      const listed = await services.teamMembers.list(actor.team.id, actor.userId);
      const member = UUID.test(toUserId) && listed.outcome === "ok" ? listed.members.find((m) => m.userId === toUserId && !m.isOwner) : undefined;
      if (!member) return renderTransfer(ctx, actor, { error: "Choose a member of this team." }, 400);
      if (!confirm) {
        return pages.confirm(ctx, actor, {
          title: "Transfer ownership",
          message: `Ask ${member.username} (${member.email}) to become the Owner of ${actor.team.name}? When they accept from the email we send them, they get every permission and you become a Manager. Until then nothing changes, and you can cancel.`,
          action: `/account/teams/${actor.team.slug}/transfer`,
          button: `Send the transfer to ${member.username}`,
          fields: { toUserId: member.userId },
          back: `/account/teams/${actor.team.slug}/transfer`,
        });
      }
      // spent only by the confirmed step (it sends the email), not by the confirmation page
      await app.rateLimits.invitesPerUser.consume(actor.userId);
      const result = await services.ownership.start(actor.team.id, actor.userId, member.userId, pages.requestInfo(ctx));
      if (result.outcome === "not_found") return pages.refuse(result);
      if (result.outcome !== "started") return renderTransfer(ctx, actor, { error: result.message }, result.outcome === "invalid" ? 400 : 403);
      return renderTransfer(ctx, actor, { notice: `We emailed ${member.username} a link to accept.${result.replaced ? " The earlier transfer was cancelled." : ""}` });
    },
  });

  forms.post({
    path: "/account/teams/:slug/transfer/cancel",
    ...team,
    body: z.object({}),
    async handle(ctx, { scope: actor }) {
      const result = await services.ownership.cancel(actor.team.id, actor.userId, pages.requestInfo(ctx));
      if (result.outcome === "not_found" || result.outcome === "forbidden") return pages.refuse(result);
      if (result.outcome === "invalid") return renderTransfer(ctx, actor, { error: result.message }, 400);
      return renderTransfer(ctx, actor, result.outcome === "cancelled" ? { notice: "The transfer was cancelled; its link no longer works." } : { error: "There is no pending transfer to cancel." }, result.outcome === "cancelled" ? 200 : 400);
    },
  });

  router.get("/account/teams/:slug/transfer/accept/:token", pages.requireAccount, async (ctx) => {
    const value = token(ctx);
    const slug = String(ctx.params.slug);
    const inspected = value ? await services.ownership.inspect(slug, value) : ({ outcome: "invalid", reason: "unknown" } as const);
    if (inspected.outcome !== "valid") return linkPage(ctx, { problem: LINK_PROBLEMS[inspected.reason] }, 400);
    const { details } = inspected;
    if (details.to.id !== pages.account(ctx).user.id) {
      return linkPage(ctx, { problem: "This ownership transfer is for another account. Sign out, then sign in as the member it was sent to." }, 403);
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
      const result = value ? await services.ownership.accept(String(ctx.params.slug), value, pages.account(ctx).user, pages.requestInfo(ctx)) : ({ outcome: "invalid", reason: "unknown" } as const);
      if (result.outcome === "wrong_account") return linkPage(ctx, { problem: "This ownership transfer is for another account. Sign out, then sign in as the member it was sent to." }, 403);
      if (result.outcome === "invalid") return linkPage(ctx, { problem: LINK_PROBLEMS[result.reason] }, 400);
      return linkPage(ctx, { accepted: result.team });
    },
  });
}
