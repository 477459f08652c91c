// /admin-register: "Register as Administrator", through one of two doors. First-run setup: while no account has
// a system role, the setup link printed at start (?setup=<token>, services/bootstrap.ts) lets the first
// administrator (Super Admin) register. An administrator invitation (?invitation=<token>, created by an
// administrator): the account registers with the invited address and gets the invited system role once the
// address is verified. Either way the address is verified like anyone's. Otherwise the page only explains.
import type Router from "@koa/router";
import type { Context } from "koa";
import { z } from "zod";
import type { AppContext } from "../web-context.ts";
import { defineForms } from "../forms.ts";
import { passwordHint } from "../../services/password-policy.ts";
import { isFirstRunSetupToken } from "../../services/bootstrap.ts";
import type { InvitationDetails } from "../../services/invitations.ts";

const adminBody = z.object({
  username: z.string().max(64, "That username is too long"),
  email: z.email("Enter a valid email address").max(320),
  password: z.string().min(1, "Choose a password").max(1024, "Passwords can be at most 1024 characters long"),
});
const INVITATION_TOKEN = /^[\w-]{20,100}$/;

type AdminInvitation = Extract<InvitationDetails, { kind: "admin" }>;
type Door =
  | { kind: "setup"; setup: string }
  | { kind: "invitation"; token: string; invitation: AdminInvitation }
  | { kind: "closed"; adminExists: boolean; problem?: string };

export function registerAdminRegistrationRoutes(router: Router, app: AppContext): void {
  const { views, csrf, services } = app;
  const forms = defineForms(router, app);
  const param = (ctx: Context, name: string) => (ctx.request.body as Record<string, unknown> | undefined)?.[name] ?? ctx.query[name];

  async function doorOf(ctx: Context): Promise<Door> {
    const token = param(ctx, "invitation");
    if (typeof token === "string" && INVITATION_TOKEN.test(token)) {
      const inspected = await services.invitations.inspect(token);
      if (inspected.outcome === "valid" && inspected.invitation.kind === "admin")
        return { kind: "invitation", token, invitation: inspected.invitation };
      return {
        kind: "closed",
        adminExists: await services.accounts.adminExists(),
        problem: "This administrator invitation has expired, was withdrawn or was already used. Ask for a new one.",
      };
    }
    const adminExists = await services.accounts.adminExists();
    const setup = param(ctx, "setup");
    if (!adminExists && isFirstRunSetupToken(app.config.secrets.masterKey, setup)) return { kind: "setup", setup: setup as string };
    return { kind: "closed", adminExists };
  }

  async function render(ctx: Context, door: Door, locals: Record<string, unknown>, status = 200) {
    ctx.status = door.kind === "closed" ? 403 : status;
    ctx.set("Cache-Control", "no-store");
    ctx.type = "html";
    ctx.body = await views.render("pages/admin-register", {
      title: "Register as Administrator",
      door: door.kind,
      adminExists: door.kind === "closed" && door.adminExists,
      problem: door.kind === "closed" ? door.problem : undefined,
      setup: door.kind === "setup" ? door.setup : undefined,
      invitation: door.kind === "invitation" ? { token: door.token, roleName: door.invitation.systemRole.name } : undefined,
      csrfToken: csrf.token(ctx, "admin-register"),
      action: "/admin-register",
      minLength: app.config.passwordPolicy.minLength,
      passwordHint: passwordHint(app.config.passwordPolicy.minLength),
      ...locals,
      ...(door.kind === "invitation" ? { email: door.invitation.email } : {}),
    });
  }

  router.get("/admin-register", async (ctx) => render(ctx, await doorOf(ctx), {}));

  /** what the person typed, shown again with a refusal */
  const typedOf = (fields: Record<string, unknown>) => ({
    username: String(fields.username ?? "").slice(0, 64),
    email: String(fields.email ?? "").slice(0, 320),
  });

  forms.post({
    path: "/admin-register",
    csrf: "admin-register",
    rateLimit: { limit: "accountPerIp" },
    load: (ctx) => doorOf(ctx),
    // an invitation fixes the address: the invited one, whatever the form says
    input: ({ loaded: door, submitted }) => (door.kind === "invitation" ? { ...submitted, email: door.invitation.email } : submitted),
    body: adminBody,
    // a closed door answers its 403 page whatever was typed
    invalid: (ctx, problem, { loaded: door, submitted }) =>
      render(
        ctx,
        door,
        door.kind === "closed" ? typedOf(submitted) : { ...typedOf(submitted), error: problem.message, field: problem.field },
        400,
      ),
    async handle(ctx, { loaded: door, submitted, body: account }) {
      const typed = typedOf(submitted);
      if (door.kind === "closed") return render(ctx, door, typed);
      const info = { ip: ctx.ip, userAgent: ctx.get("user-agent") || null };
      const beforeEmail = (email: string) => app.rateLimits.accountPerIdentifier.consume(email);
      const result =
        door.kind === "setup"
          ? await services.registration.register(account, info, {
              systemRole: "super_admin",
              beforeEmail,
              auditData: { systemRole: "super_admin", firstRun: true },
            })
          : await services.registration.register(account, info, {
              beforeEmail,
              invitation: { token: door.token, expiresAt: door.invitation.expiresAt },
              auditData: { invitationId: door.invitation.id, systemRole: door.invitation.systemRole.key },
            });
      if (result.outcome === "invalid") return render(ctx, door, { ...typed, error: result.message, field: result.field }, 400);
      if (result.outcome === "closed") return render(ctx, await doorOf(ctx), typed);
      ctx.type = "html";
      ctx.set("Cache-Control", "no-store");
      ctx.body = await views.render("pages/check-email", { title: "Check your email", email: account.email });
    },
  });
}
