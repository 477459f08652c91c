// "Email me a sign-in link" (MAGIC_LINKS; services/magic-links/, flows/login/magic-link.ts). Off: every route
// here is a 404 and the sign-in page shows no such form.
//   POST /interaction/:uid/magic-link         the address: rate-limited per IP and per address, the same page
//                                             whatever the address; sets the browser's nonce cookie (gh.magic)
//   GET  /interaction/:uid/magic/:token       the emailed link: a page with one button, changing nothing
//                                             (mail scanners open links)
//   POST /interaction/:uid/magic/:token       in the browser that asked (its interaction and nonce): the first
//                                             factor; anywhere else: the link is spent and shows a 6-digit code
//   POST /interaction/:uid/magic-link/code    that code, typed in the browser that asked
import type { Context } from "koa";
import type Router from "@koa/router";
import { z } from "zod";
import type { AppContext } from "../../web-context.ts";
import type { LoginEngine } from "../../../flows/login/engine.ts";
import type { Outcome } from "../../../flows/login/types.ts";
import { catalogueError } from "../../errors.ts";
import { normalizeEmail } from "../../../services/identifiers.ts";
import { MAGIC_CODE_TTL, MAGIC_LINK_TTL } from "../../../services/magic-links/index.ts";
import type { Interaction, InteractionHelpers } from "./shared.ts";
import { refusalError, wording } from "./messages.ts";
import { sayer } from "../../locale.ts";
import { emailedLinkPages, linkBinding } from "../../emailed-link-pages.ts";
import type { Forms } from "../../forms.ts";

const requestBody = z.object({
  email: z
    .string()
    .trim()
    .min(1, "Enter your email address")
    .max(320, "That email address is too long")
    .pipe(z.email("Enter a valid email address")),
  remember: z.literal("1").optional(),
});
const codeBody = z.object({
  code: z
    .string()
    .trim()
    .regex(/^\d{6}$/, "Enter the 6-digit code the link showed"),
});

export function registerMagicLinkRoutes(router: Router, app: AppContext, h: InteractionHelpers, engine: LoginEngine, forms: Forms) {
  const cookieName = app.config.isProduction ? "__Host-gh.magic" : "gh.magic";
  // the link's own pages: no Referer leaves them (the token is in the URL), nothing cached
  const linkPages = emailedLinkPages(app.views, "magic-link-invalid");
  const binding = (token: string) => linkBinding("magic", token);
  const invalid = (ctx: Context) => linkPages.page(ctx, "magic-link-invalid", { title: "This link is no longer valid" }, 400);
  const enabled = () => {
    if (!app.config.magicLinks.enabled) throw catalogueError("not_found#page");
  };
  // the sign-in page's forms: a 404 while off, before the interaction is loaded
  const form = { ...h.loginForm, scope: async (ctx: Context) => (enabled(), h.loginForm.scope(ctx)) };
  const requestInfo = (ctx: Context) => ({ ip: ctx.ip, userAgent: ctx.get("user-agent") || null });
  const browserOf = (ctx: Context) => ctx.cookies.get(cookieName) ?? undefined;
  function setBrowser(ctx: Context, value: string) {
    // written by hand for Max-Age (Koa's cookies send Expires only), like the device cookie
    const attributes = [
      `${cookieName}=${value}`,
      "Path=/",
      `Max-Age=${MAGIC_LINK_TTL}`,
      "HttpOnly",
      "SameSite=Lax",
      ...(app.config.isProduction ? ["Secure"] : []),
    ];
    ctx.append("Set-Cookie", attributes.join("; "));
  }

  /** the page's words for an address it does not repeat (a code typed after the page was left) */
  const yourAddress = (ctx: Context) => sayer(ctx, app.config.defaultLocale)("signin.magic.yourAddress");
  async function sentPage(ctx: Context, interaction: Interaction, email: string, error?: { message: string; status: number }) {
    const { uid } = interaction;
    await h.renderPage(
      ctx,
      "magic-link-sent",
      {
        title: "Check your email",
        clientName: await h.appName(interaction),
        email,
        error: error && sayer(ctx, app.config.defaultLocale)(error.message),
        csrfToken: h.csrfToken(ctx, uid),
        codeAction: `/interaction/${uid}/magic-link/code`,
        startOverUrl: `/interaction/${uid}`,
      },
      error?.status ?? 200,
    );
  }

  /** a refused link or code: its page; anything else goes on like any first factor */
  async function answer(ctx: Context, interaction: Interaction, outcome: Outcome, onCodeRefused: () => Promise<void>) {
    if (outcome.kind === "refused" && outcome.code === "login.magic_code_invalid") return onCodeRefused();
    if (outcome.kind === "refused" && outcome.code === "login.magic_link_invalid") return invalid(ctx);
    if (outcome.kind === "refused" && outcome.code === "login.unverified") {
      throw refusalError(outcome, { startOverUrl: `/interaction/${interaction.uid}` });
    }
    return h.answer(ctx, interaction, outcome);
  }

  // the limits are spent once the body parsed, the address's by its value
  forms.post({
    path: "/interaction/:uid/magic-link",
    ...form,
    body: requestBody,
    invalid: async (_ctx, { message }, { scope }) => {
      throw catalogueError("magic_link.bad_request", { startOverUrl: `/interaction/${scope.uid}` }, { message });
    },
    async handle(ctx, { scope: interaction, body: { email, remember } }) {
      await app.rateLimits.magicLinkPerIp.consume(ctx.ip);
      await app.rateLimits.magicLinkPerIdentifier.consume(normalizeEmail(email));
      const { browser } = await app.services.magicLinks.request({
        uid: interaction.uid,
        email,
        remember: remember === "1",
        request: requestInfo(ctx),
      });
      setBrowser(ctx, browser);
      return sentPage(ctx, interaction, email);
    },
  });

  router.get("/interaction/:uid/magic/:token", async (ctx) => {
    enabled();
    const token = String(ctx.params.token);
    await linkPages.page(ctx, "magic-link-open", {
      title: "Sign in with your link",
      csrfToken: app.csrf.token(ctx, binding(token)),
      action: `/interaction/${encodeURIComponent(String(ctx.params.uid))}/magic/${encodeURIComponent(token)}`,
    });
  });

  forms.post({
    path: "/interaction/:uid/magic/:token",
    scope: async () => enabled(),
    // the emailed token is what authorizes this; the form token is still required (see csrf.ts)
    csrf: (ctx) => ({ binding: binding(String(ctx.params.token)), allowNullOrigin: true }),
    rateLimit: { limit: "magicLinkPerIp" },
    async handle(ctx) {
      const uid = String(ctx.params.uid);
      const token = String(ctx.params.token);
      // this browser's own interaction (its cookie) and the nonce it was given: the same browser
      const interaction = await h.load(ctx).catch(() => null);
      const browser = browserOf(ctx);
      if (interaction?.uid === uid && interaction.prompt.name === "login" && (await app.services.magicLinks.sameBrowser(token, browser))) {
        const outcome = await engine.firstFactor(h.facts(ctx, interaction), { method: "magic_link", token, browser, remember: false });
        return answer(ctx, interaction, outcome, () => invalid(ctx));
      }
      const handed = await app.services.magicLinks.handOff(uid, token, requestInfo(ctx));
      if (handed.outcome !== "code") return invalid(ctx);
      return linkPages.page(ctx, "magic-link-code", {
        title: "Your sign-in code",
        code: handed.code,
        minutes: Math.round(MAGIC_CODE_TTL / 60),
      });
    },
  });

  forms.post({
    path: "/interaction/:uid/magic-link/code",
    ...form,
    rateLimit: { limit: "magicLinkPerIp" },
    body: codeBody,
    invalid: (ctx, { message }, { scope }) => sentPage(ctx, scope, yourAddress(ctx), { message, status: 400 }),
    async handle(ctx, { scope: interaction, body: { code } }) {
      const outcome = await engine.firstFactor(h.facts(ctx, interaction), {
        method: "magic_link",
        code,
        browser: browserOf(ctx),
        remember: false,
      });
      return answer(ctx, interaction, outcome, async () =>
        sentPage(ctx, interaction, yourAddress(ctx), wording({ code: "login.magic_code_invalid" })),
      );
    },
  });
}
