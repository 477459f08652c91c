// The second-factor page of a login (/interaction/:uid/totp): the authenticator code, or a backup code through
// a plain link (no JavaScript needed), or a passkey / security key (public/js/passkeys.js), and its POST. Wrong, replayed and locked all get the same "Invalid code";
// every attempt is rate-limited.
import type { Context } from "koa";
import { z } from "zod";
import type { AppContext } from "../../web-context.ts";
import type { LoginEngine } from "../../../flows/login/engine.ts";
import type { Interaction, InteractionHelpers } from "./shared.ts";
import { wording } from "./messages.ts";
import { passkeyResponse } from "./passkey.ts";
import type { Forms } from "../../forms.ts";

type Method = "totp" | "backup" | "passkey";

const codeBody = z.object({
  code: z.string().trim().min(1).max(64, "That code is too long"),
  method: z.string().optional(),
});

const methodOf = (value: unknown): Method => (value === "backup" ? "backup" : value === "passkey" ? "passkey" : "totp");
const passkeyBody = z.object({ response: passkeyResponse });

export function createSecondFactorHandlers(app: AppContext, h: InteractionHelpers, engine: LoginEngine, forms: Forms) {
  /** the waiting login's user id, or the "start again" page */
  async function waiting(ctx: Context, interaction: Interaction): Promise<string> {
    h.requireLogin(interaction);
    const state = await engine.secondFactor.waiting(h.facts(ctx, interaction));
    if (!state) throw h.expired(interaction.uid);
    return state.userId;
  }

  /** the step again with a refusal the user can mend (a wrong code, a refused passkey): its words, key and status */
  function renderRefused(ctx: Context, interaction: Interaction, method: Method, refusal: Parameters<typeof wording>[0]) {
    const { message, key, status } = wording(refusal);
    return render(ctx, interaction, { method, error: message, errorKey: key, status });
  }

  async function render(
    ctx: Context,
    interaction: Interaction,
    locals: { method: Method; error?: string; errorKey?: string; status?: number },
  ) {
    const { uid } = interaction;
    const base = `/interaction/${uid}/totp`;
    // the methods this user has: a passkey-only user sees the passkey, a TOTP-only user the code
    const methods = await engine.secondFactor.methods(h.facts(ctx, interaction));
    const hasTotp = methods.includes("totp");
    const hasPasskey = methods.includes("passkey");
    const method: Method = locals.method === "passkey" || !hasTotp ? (hasPasskey ? "passkey" : locals.method) : locals.method;
    await h.renderPage(
      ctx,
      "login-totp",
      {
        title: "Two-factor authentication",
        clientName: await h.appName(interaction),
        method,
        hasTotp,
        passkey: hasPasskey ? { options: `/interaction/${uid}/passkey/options`, url: `${base}?method=passkey` } : undefined,
        totpUrl: base,
        error: locals.error,
        errorKey: locals.errorKey,
        csrfToken: h.csrfToken(ctx, uid),
        action: base,
        switchUrl: method === "backup" ? base : `${base}?method=backup`,
        startOverUrl: `/interaction/${uid}`,
      },
      locals.status,
    );
  }

  async function show(ctx: Context, interaction: Interaction) {
    await waiting(ctx, interaction);
    return render(ctx, interaction, { method: methodOf(ctx.query.method) });
  }

  forms.post({
    path: "/interaction/:uid/totp",
    ...h.loginForm,
    // after CSRF: the waiting login, its limits (one is the user's), then the body (its words are the method's)
    async handle(ctx, { scope: interaction, submitted }) {
      const userId = await waiting(ctx, interaction);
      await app.rateLimits.codePerIp.consume(ctx.ip);
      await app.rateLimits.codePerUser.consume(userId);
      const method = methodOf(submitted.method);
      if (method === "passkey") {
        const answer = passkeyBody.safeParse(submitted);
        if (!answer.success) return render(ctx, interaction, { method, error: answer.error.issues[0]?.message, status: 400 });
        const outcome = await engine.secondFactor.submit(h.facts(ctx, interaction), { method, code: answer.data.response });
        if (outcome.kind === "refused" && outcome.code === "login.passkey_refused") return renderRefused(ctx, interaction, method, outcome);
        return h.answer(ctx, interaction, outcome);
      }
      const parsed = codeBody.safeParse(submitted);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const missing = method === "backup" ? "Enter one of your backup codes" : "Enter the 6-digit code from your authenticator app";
        return render(ctx, interaction, { method, error: issue?.code === "too_big" ? issue.message : missing, status: 400 });
      }
      const outcome = await engine.secondFactor.submit(h.facts(ctx, interaction), { method, code: parsed.data.code });
      if (outcome.kind === "refused" && outcome.code === "login.invalid_code") return renderRefused(ctx, interaction, method, outcome);
      return h.answer(ctx, interaction, outcome);
    },
  });

  return { show };
}
