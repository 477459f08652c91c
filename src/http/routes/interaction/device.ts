// The device approval page (/interaction/:uid/device): the code emailed to this sign-in, "send a new code"
// after a cool-down, start over. The flow's device gate decides; this page parses and renders.
import type Router from "@koa/router";
import type { Context } from "koa";
import type { AppContext } from "../../web-context.ts";
import type { DeviceAnswer } from "../../../flows/login/gate-device.ts";
import type { LoginEngine } from "../../../flows/login/engine.ts";
import { maskEmail } from "../../../services/notifications.ts";
import type { Interaction, InteractionHelpers } from "./shared.ts";
import { wording } from "./messages.ts";
import { localeOf, sayer } from "../../locale.ts";
import { translator } from "../../../lib/i18n/index.ts";
import type { Forms } from "../../forms.ts";

/** "123 456", "123-456" and " 123456 " are all the code 123456 */
const normalizeCode = (value: unknown) => (typeof value === "string" ? value.replace(/[\s-]/g, "") : "");

export function registerDevicePage(router: Router, app: AppContext, h: InteractionHelpers, engine: LoginEngine, forms: Forms): void {
  const pagePath = (uid: string) => `/interaction/${uid}/device`;

  async function render(ctx: Context, interaction: Interaction, answer: DeviceAnswer, notice?: string) {
    if (answer.kind !== "page") return h.answer(ctx, interaction, answer);
    const { uid } = interaction;
    const { view } = answer;
    const said = view.refusal ? wording(view.refusal) : undefined;
    const t = translator(localeOf(ctx, app.config.defaultLocale)); // the page's language (http/locale.ts)
    const accountLocked = view.refusal?.code === "device.account_locked";
    if (view.refusal?.retryAfter) ctx.set("Retry-After", String(view.refusal.retryAfter));
    await h.renderPage(
      ctx,
      "login-device",
      {
        title: "Check your email",
        clientName: await h.appName(interaction),
        maskedEmail: maskEmail(view.email),
        ttlMinutes: Math.max(1, Math.round(app.config.deviceApproval.codeTtl / 60)),
        csrfToken: h.csrfToken(ctx, uid),
        action: pagePath(uid),
        resendAction: `${pagePath(uid)}/resend`,
        resendIn: view.resendIn,
        startOverUrl: `/interaction/${uid}`,
        locked: accountLocked || view.refusal?.code === "device.attempts_used",
        accountLocked,
        error: said?.say(t) ?? (view.codeExpired ? wording({ code: "device.code_expired" }).say(t) : undefined),
        notice: notice && sayer(ctx, app.config.defaultLocale)(notice),
      },
      said?.status,
    );
  }

  router.get("/interaction/:uid/device", async (ctx) => {
    const interaction = await h.load(ctx);
    h.requireLogin(interaction);
    const answer = await engine.device.show(h.facts(ctx, interaction));
    return render(ctx, interaction, answer, ctx.query.resent === "1" ? "We sent you a new code. The old one no longer works." : undefined);
  });

  forms.post({
    path: "/interaction/:uid/device",
    ...h.gateForm,
    async handle(ctx, { loaded: interaction, submitted }) {
      const facts = h.facts(ctx, interaction);
      await app.rateLimits.deviceCodePerIp.consume(ctx.ip);
      const code = normalizeCode(submitted.code);
      if (!/^\d{6}$/.test(code)) return render(ctx, interaction, await engine.device.show(facts, { code: "device.code_format" }));
      return render(ctx, interaction, await engine.device.submit(facts, code));
    },
  });

  forms.post({
    path: "/interaction/:uid/device/resend",
    ...h.gateForm,
    handle: async (ctx, { loaded }) => render(ctx, loaded, await engine.device.resend(h.facts(ctx, loaded))),
  });
}
