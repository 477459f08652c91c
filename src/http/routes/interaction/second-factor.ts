// The second-factor step of a login (/interaction/:uid/totp): the code page (authenticator code, or a backup
// code through a plain link, no JavaScript needed) and its POST. Wrong, replayed and locked all get the same
// "Invalid code"; every attempt is rate-limited and audited.
import type { Context } from "koa";
import { z } from "zod";
import type { AppContext } from "../../../context.ts";
import type { LoginFlow, SecondFactorState } from "../../../flows/login-flow.ts";
import { AppError } from "../../errors.ts";
import type { Interaction, InteractionHelpers } from "./shared.ts";
import type { GateRunner } from "./gates.ts";

type Method = "totp" | "backup";

const codeBody = z.object({
  code: z.string().trim().min(1).max(64, "That code is too long"),
  method: z.string().optional(),
  _csrf: z.string().optional(),
});

const INVALID_CODE = "Invalid code";
const methodOf = (value: unknown): Method => (value === "backup" ? "backup" : "totp");

export function createSecondFactorHandlers(app: AppContext, h: InteractionHelpers, flow: LoginFlow, gates: GateRunner) {
  const { services } = app;

  const expired = (uid: string) =>
    new AppError("login.second_factor_expired", 400, "This sign-in step has expired. Start again and enter your password.", { startOverUrl: `/interaction/${uid}` });

  /** the pending state of this interaction's login, or the "start again" page */
  async function stateOf(interaction: Interaction): Promise<SecondFactorState> {
    if (interaction.prompt.name !== "login") throw h.wrongStep();
    const state = await flow.pending(interaction.uid);
    if (!state) throw expired(interaction.uid);
    return state;
  }

  async function render(ctx: Context, interaction: Interaction, locals: { method: Method; error?: string; status?: number }) {
    const { uid } = interaction;
    const base = `/interaction/${uid}/totp`;
    await h.renderPage(ctx, "login-totp", {
      title: "Two-step verification",
      clientName: await h.appName(interaction),
      method: locals.method,
      error: locals.error,
      csrfToken: h.csrfToken(ctx, uid),
      action: base,
      switchUrl: locals.method === "backup" ? base : `${base}?method=backup`,
      startOverUrl: `/interaction/${uid}`,
    }, locals.status);
  }

  async function show(ctx: Context, interaction: Interaction) {
    await stateOf(interaction);
    return render(ctx, interaction, { method: methodOf(ctx.query.method) });
  }

  async function submit(ctx: Context, interaction: Interaction) {
    const { uid, params } = interaction;
    if (interaction.prompt.name !== "login") throw h.wrongStep();
    h.verifyCsrf(ctx, uid);
    const state = await stateOf(interaction);
    await app.rateLimits.codePerIp.consume(ctx.ip);
    await app.rateLimits.codePerUser.consume(state.userId);
    const submitted = (ctx.request.body as Record<string, unknown> | undefined) ?? {};
    const method = methodOf(submitted.method);
    const parsed = codeBody.safeParse(submitted);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const missing = method === "backup" ? "Enter one of your backup codes" : "Enter the 6-digit code from your authenticator app";
      return render(ctx, interaction, { method, error: issue?.code === "too_big" ? issue.message : missing, status: 400 });
    }
    const info = h.requestInfo(ctx, String(params.client_id));
    const result = await flow.submitCode(uid, state, parsed.data.code, info);
    if (result.outcome === "expired") throw expired(uid);
    if (result.outcome === "invalid") {
      await services.audit.record({ type: "login.second_factor_failed", outcome: "failure", userId: result.user.id, ...info, data: { reason: result.reason, method } });
      return render(ctx, interaction, { method, error: INVALID_CODE, status: 401 });
    }
    if (result.method === "backup") {
      await services.audit.record({ type: "two_factor.backup_code_used", outcome: "success", userId: result.user.id, ...info, data: { remaining: result.backupCodesLeft ?? 0 } });
    }
    // the sign-in is complete once a team is settled (at once, or after the team page)
    return gates.run(ctx, interaction, { userId: result.user.id, amr: result.amr, remember: result.remember, authAt: state.authAt, audit: { amr: result.amr, method: result.method } });
  }

  return { show, submit };
}
