// The forced second-factor setup of a sign-in (/interaction/:uid/enrol; flows/login/enrol.ts): an administrator
// requires one of this user's system role or team. The page shows the authenticator setup; its POST takes the
// code and shows the backup codes once, with "Continue" (POST /interaction/:uid/enrol/continue) to go on.
import type { Context } from "koa";
import type Router from "@koa/router";
import { z } from "zod";
import type { AppContext } from "../../web-context.ts";
import type { LoginEngine } from "../../../flows/login/engine.ts";
import { groupForReading } from "../../../services/totp.ts";
import type { Interaction, InteractionHelpers } from "./shared.ts";
import { sayer } from "../../locale.ts";
import type { Forms } from "../../forms.ts";

const codeBody = z.object({
  code: z
    .string()
    .trim()
    .regex(/^\d{6}$/, "Enter the 6-digit code from your authenticator app"),
});

export function registerEnrolPage(router: Router, app: AppContext, h: InteractionHelpers, engine: LoginEngine, forms: Forms) {
  async function render(ctx: Context, interaction: Interaction, locals: { error?: string; backupCodes?: string[] }, status = 200) {
    const { uid } = interaction;
    const shown = locals.backupCodes ? null : await engine.enrol.show(h.facts(ctx, interaction));
    if (!locals.backupCodes && !shown) throw h.expired(uid);
    const setup = shown?.view?.kind === "setup" ? shown.view : null;
    await h.renderPage(
      ctx,
      "login-enrol",
      {
        title: "Set up two-factor authentication",
        clientName: await h.appName(interaction),
        error: locals.error && sayer(ctx, app.config.defaultLocale)(locals.error), // the catalogue's words where it has them
        csrfToken: h.csrfToken(ctx, uid),
        action: `/interaction/${uid}/enrol`,
        continueAction: `/interaction/${uid}/enrol/continue`,
        enrollment: setup ? { qrSvg: setup.qrSvg, secret: groupForReading(setup.secret) } : null,
        backupCodes: locals.backupCodes ?? null,
        startOverUrl: `/interaction/${uid}`,
      },
      status,
    );
  }

  router.get("/interaction/:uid/enrol", async (ctx) => {
    const interaction = await h.load(ctx);
    h.requireLogin(interaction);
    return render(ctx, interaction, {});
  });

  forms.post({
    path: "/interaction/:uid/enrol",
    ...h.loginForm,
    rateLimit: { limit: "codePerIp" },
    body: codeBody,
    invalid: (ctx, { message }, { scope }) => render(ctx, scope, { error: message }, 400),
    async handle(ctx, { scope: interaction, body: { code } }) {
      const result = await engine.enrol.confirm(h.facts(ctx, interaction), code);
      if ("backupCodes" in result) return render(ctx, interaction, { backupCodes: result.backupCodes });
      if (result.kind === "refused" && result.code === "login.invalid_code") {
        return render(
          ctx,
          interaction,
          { error: "That code is not right. Check that your device's time is correct and try the newest code." },
          400,
        );
      }
      if (result.kind === "setup") return render(ctx, interaction, {});
      return h.answer(ctx, interaction, result);
    },
  });

  forms.post({
    path: "/interaction/:uid/enrol/continue",
    ...h.loginForm,
    handle: async (ctx, { scope }) => h.answer(ctx, scope, await engine.enrol.proceed(h.facts(ctx, scope))),
  });
}
