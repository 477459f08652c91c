// /invitations/:token, the link from an invitation email. GET says what it is (team and role, or the admin
// area) and, signed in with the invited address, offers Accept; signed in as someone else, a clear refusal;
// signed out, links to sign in or register (/register?invitation=<token>, Door B). POST accepts (CSRF, per-IP
// limit). Used, expired and revoked links, and invitations to a team the user is already in, get clear pages.
import type Router from "@koa/router";
import type { Context } from "koa";
import type { AppContext } from "../web-context.ts";
import { z } from "zod";
import { defineForms } from "../forms.ts";
import { localeLocals } from "../locale.ts";
import { createAccountSessions, type AccountSession } from "../account-session.ts";
import { maskEmail } from "../../services/notifications.ts";
import { normalizeEmail } from "../../services/identifiers.ts";
import type { InvalidLinkReason, InvitationDetails } from "../../services/invitations.ts";

const TOKEN = /^[\w-]{20,100}$/;
const CSRF_BINDING = "invitation-accept";

export const INVALID_INVITATION: Record<InvalidLinkReason, string> = {
  unknown: "This invitation link is not valid or was replaced by a newer one. Check that you copied the whole link from the latest email.",
  used: "This invitation was already accepted. If that was you, sign in to find the team on your Teams page.",
  revoked: "This invitation was withdrawn. Ask the person who invited you for a new one.",
  expired: "This invitation has expired. Ask the person who invited you to send it again.",
};

export function registerInvitationRoutes(router: Router, app: AppContext): void {
  const sessions = createAccountSessions(app);
  const forms = defineForms(router, app);
  const { services, csrf } = app;

  async function page(ctx: Context, name: "invitation" | "invitation-result", locals: Record<string, unknown>, status = 200) {
    ctx.status = status;
    ctx.set("Cache-Control", "no-store");
    ctx.type = "html";
    ctx.body = await app.views.render(`pages/${name}`, {
      ...localeLocals(ctx, name, app.config.defaultLocale),
      title: "Invitation",
      ...locals,
    });
  }
  const problem = (ctx: Context, message: string, status: number, extra: Record<string, unknown> = {}) =>
    page(ctx, "invitation-result", { problem: message, ...extra }, status);

  const tokenOf = (ctx: Context) => {
    const value = String(ctx.params.token ?? "");
    return TOKEN.test(value) ? value : null;
  };

  /** what the invitation offers, in words the page shows */
  const describe = (invitation: InvitationDetails) =>
    invitation.kind === "team"
      ? {
          kind: "team",
          teamName: invitation.team.name,
          teamSlug: invitation.team.slug,
          roleName: invitation.role.name,
          invitedBy: invitation.invitedBy,
          expiresAt: invitation.expiresAt,
        }
      : { kind: "admin", roleName: invitation.systemRole.name, invitedBy: invitation.invitedBy, expiresAt: invitation.expiresAt };

  router.get("/invitations/:token", async (ctx) => {
    const token = tokenOf(ctx);
    const inspected = token ? await services.invitations.inspect(token) : ({ outcome: "invalid", reason: "unknown" } as const);
    if (inspected.outcome !== "valid")
      return problem(ctx, INVALID_INVITATION[inspected.reason], inspected.reason === "unknown" ? 404 : 410);
    const { invitation } = inspected;
    const account: AccountSession | null = await sessions.current(ctx);
    const path = `/invitations/${token}`;
    const base = { invitation: describe(invitation), invitedEmail: maskEmail(invitation.email), user: account?.user };
    if (!account) {
      return page(ctx, "invitation", {
        ...base,
        state: "signed_out",
        loginUrl: `/login?return_to=${encodeURIComponent(path)}`,
        // Door B: the registration page reads ?invitation= and joins the new, verified account
        registerUrl: `${invitation.kind === "team" ? "/register" : "/admin-register"}?invitation=${encodeURIComponent(token!)}`,
      });
    }
    if (account.user.emailNormalized !== normalizeEmail(invitation.email)) {
      return page(ctx, "invitation", { ...base, state: "wrong_account" }, 403);
    }
    if (invitation.kind === "team" && (await services.teams.claimsFor(account.user.id, invitation.team.id))) {
      return page(ctx, "invitation", { ...base, state: "already_member" });
    }
    if (invitation.kind === "admin" && account.user.systemRole) return page(ctx, "invitation", { ...base, state: "already_admin" });
    return page(ctx, "invitation", { ...base, state: "ready", action: path, csrfToken: csrf.token(ctx, CSRF_BINDING) });
  });

  forms.post({
    path: "/invitations/:token",
    csrf: CSRF_BINDING,
    rateLimit: { limit: "accountPerIp" },
    body: z.object({}),
    handle: (ctx) => accept(ctx),
  });

  /** accepts for the signed-in user (signed out: sign in first, then back to the link) */
  async function accept(ctx: Context) {
    const token = tokenOf(ctx);
    if (!token) return problem(ctx, INVALID_INVITATION.unknown, 404);
    const account = await sessions.current(ctx);
    if (!account) {
      ctx.status = 303;
      return ctx.redirect(`/login?return_to=${encodeURIComponent(`/invitations/${token}`)}`);
    }
    const result = await services.invitations.acceptForUser(token, account.user, { ip: ctx.ip, userAgent: ctx.get("user-agent") || null });
    const user = account.user;
    switch (result.outcome) {
      case "joined":
        return page(ctx, "invitation-result", {
          user,
          joined: { teamName: result.team.name, teamSlug: result.team.slug, roleName: result.role.name },
        });
      case "system_role_set":
        return page(ctx, "invitation-result", { user, admin: { roleName: result.systemRole.name } });
      case "already_member":
        return problem(ctx, `You are already a member of ${result.team.name}. Nothing was changed.`, 409, {
          user,
          teamSlug: result.team.slug,
        });
      case "already_admin":
        return problem(ctx, "Your account already has an administrator role. Nothing was changed.", 409, { user });
      case "wrong_account":
        return problem(
          ctx,
          `This invitation is for ${maskEmail(result.invitedEmail)}, not for the account you are signed in with. Sign out, then sign in (or register) with the invited address.`,
          403,
          { user },
        );
      case "unverified":
        return problem(ctx, "Confirm your email address first, then open the invitation again.", 403, { user });
      default:
        return problem(ctx, INVALID_INVITATION[result.reason], result.reason === "unknown" ? 404 : 410, { user });
    }
  }
}
