// The sign-in page and its POST: parse, rate-limit, hand the first factor to the login flow, answer. Every
// wrong answer (unknown, wrong password, locked, disabled) is the same "Invalid email or password".
// Home-realm discovery (#17 item 3): "Continue with single sign-on" (or no password) with an address whose domain a
// team verified and routed to a provider goes to that provider; the answer depends on the domain only.
import type { Context } from "koa";
import { z } from "zod";
import type { AppContext } from "../../web-context.ts";
import type { LoginEngine } from "../../../flows/login/engine.ts";
import type { Outcome } from "../../../flows/login/types.ts";
import type { Interaction, InteractionHelpers } from "./shared.ts";
import { parseIdentifier, USERNAME_PATTERN } from "../../../services/identifiers.ts";
import { takeNotice } from "../../notices.ts";
import { refusalError, wording } from "./messages.ts";
import { localeOf } from "../../locale.ts";
import { translator } from "../../../lib/i18n/index.ts";
import { passkeyResponse } from "./passkey.ts";
import { createRegistrationReturn } from "../registration-return.ts";
import { clientBrandLocals } from "./client-brand.ts";
import type { Forms } from "../../forms.ts";

const normalizedIdentifier = (identifier: string) => {
  const id = parseIdentifier(identifier);
  return `${id.kind}:${id.value}`;
};

const loginBody = z.object({
  identifier: z.string().trim().min(1, "Enter your email or username").max(320, "That email or username is too long"),
  // long passphrases are welcome; the cap only stops absurd bodies from reaching argon2
  // empty: home-realm discovery, or "Enter your password" when the address's domain has no single sign-on
  password: z.string().max(1024, "Passwords can be at most 1024 characters long").default(""),
  remember: z.literal("1").optional(),
  /** the "Continue with single sign-on" button */
  sso: z.literal("1").optional(),
});

/**
 * the authorization request's login_hint (OIDC Core 3.1.2.1) when it is an address or a username, else nothing:
 * it only pre-fills the identifier field (escaped by the view), so anything longer, with spaces or control
 * characters, or of another shape (a phone number, an opaque token) is ignored rather than shown
 */
export function loginHintOf(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const hint = value.normalize("NFC").trim();
  if (hint.length === 0 || hint.length > LOGIN_HINT_MAX || /[\s\p{C}]/u.test(hint)) return undefined;
  return EMAIL_HINT.test(hint) || USERNAME_PATTERN.test(hint) ? hint : undefined;
}
const LOGIN_HINT_MAX = 254;
const EMAIL_HINT = /^[^@]{1,64}@[^@]{1,189}$/u;

const passkeyBody = z.object({ response: passkeyResponse, remember: z.enum(["1", ""]).optional() });

export function createLoginHandlers(app: AppContext, h: InteractionHelpers, engine: LoginEngine, forms: Forms) {
  const appReturn = createRegistrationReturn(app);
  async function render(
    ctx: Context,
    interaction: Interaction,
    locals: { identifier?: string; error?: string; errorKey?: string; status?: number },
  ) {
    const { uid } = interaction;
    const enabled = await app.services.connectors.enabled();
    const sso = enabled.length > 0 && (await app.services.homeRealm.offered());
    // the first showing of the page: the client's login_hint, if any, in the identifier field
    const hint = locals.identifier === undefined ? loginHintOf(interaction.params.login_hint) : undefined;
    await h.renderPage(
      ctx,
      "login",
      {
        title: "Sign in",
        uid,
        // the client's display name, logo and colour when an admin set them (client-brand.ts)
        ...(await clientBrandLocals(app, String(interaction.params.client_id), await h.appName(interaction))),
        identifier: locals.identifier ?? hint ?? "",
        error: locals.error,
        errorKey: locals.errorKey,
        notice: locals.error ? undefined : takeNotice(ctx, app.config.isProduction),
        csrfToken: h.csrfToken(ctx, uid),
        action: `/interaction/${uid}/login`,
        passkey: { action: `/interaction/${uid}/passkey`, options: `/interaction/${uid}/passkey/options` },
        // "Email me a sign-in link" (MAGIC_LINKS; magic-link.ts)
        magicLink: app.config.magicLinks.enabled ? { action: `/interaction/${uid}/magic-link` } : undefined,
        // "Sign in with …" for each enabled upstream identity provider (federation.ts)
        // "Continue with single sign-on" (home-realm discovery) once a team routed a domain to an enabled provider
        sso,
        // a hinted address whose domain is routed to a provider: that button first in line (never an automatic redirect)
        ssoSuggested: sso && hint !== undefined && hint.includes("@") && (await app.services.homeRealm.discover(hint)) !== null,
        upstreams: enabled.map((c) => ({ slug: c.slug, name: c.name, action: `/interaction/${uid}/federation/${c.slug}` })),
        links: {
          register: "/register",
          forgotPassword: "/forgot-password",
          verifyEmail: "/verify-email",
          // only on Gatehouse's own sign-in, and only while the first administrator is still to come
          ...(h.facts(ctx, interaction).accountClient && !(await app.services.accounts.adminExists())
            ? { adminRegister: "/admin-register" }
            : {}),
        },
      },
      locals.status,
    );
  }

  // the limits are spent once the body parsed (a refused input spends nothing), the identifier's by its value
  forms.post({
    path: "/interaction/:uid/login",
    ...h.loginForm,
    body: loginBody,
    invalid: (ctx, { message }, { scope, submitted }) =>
      render(ctx, scope, { identifier: String(submitted.identifier ?? "").slice(0, 320), error: message, status: 400 }),
    async handle(ctx, { scope: interaction, body: { identifier, password, remember, sso } }) {
      await app.rateLimits.loginPerIp.consume(ctx.ip);
      if (sso === "1" || !password) return homeRealm(ctx, interaction, identifier, sso === "1");
      await app.rateLimits.loginPerIdentifier.consume(normalizedIdentifier(identifier));
      const outcome = await engine.firstFactor(h.facts(ctx, interaction), {
        method: "password",
        identifier,
        password,
        remember: remember === "1",
      });
      return refusedOrOn(ctx, interaction, outcome, identifier);
    },
  });

  /** the address's provider (its domain's team routed it there), or this page again saying what to do */
  async function homeRealm(ctx: Context, interaction: Interaction, identifier: string, asked: boolean) {
    const connector = await app.services.homeRealm.discover(identifier);
    if (!connector) {
      const error = asked
        ? "There is no single sign-on for that address. Enter your password, or use another way to sign in."
        : "Enter your password";
      return render(ctx, interaction, { identifier, error, status: 400 });
    }
    await h.toUpstream(ctx, interaction, connector);
  }

  /** the "Sign in with a passkey" form (or the autofill's): the browser's assertion as JSON text */
  forms.post({
    path: "/interaction/:uid/passkey",
    ...h.loginForm,
    body: passkeyBody,
    invalid: (ctx, { message }, { scope }) => render(ctx, scope, { error: message, status: 400 }),
    async handle(ctx, { scope: interaction, body }) {
      await app.rateLimits.loginPerIp.consume(ctx.ip);
      const outcome = await engine.firstFactor(h.facts(ctx, interaction), {
        method: "passkey",
        response: body.response,
        remember: body.remember === "1",
      });
      return refusedOrOn(ctx, interaction, outcome, "");
    },
  });

  /** the next page, or this one again with the refusal's words (busy and unverified have their own pages) */
  async function refusedOrOn(ctx: Context, interaction: Interaction, outcome: Outcome, identifier: string) {
    if (outcome.kind !== "refused") return h.answer(ctx, interaction, outcome);
    const { status, message, key } = wording(outcome);
    if (outcome.code === "login.busy") {
      ctx.set("Retry-After", String(outcome.retryAfter ?? 2));
      throw refusalError(outcome);
    }
    if (outcome.code === "login.unverified") {
      // not a dead end: a new link can be sent from here (it resumes this sign-in), or the user goes back to it
      const signIn = `/interaction/${interaction.uid}`;
      const email = outcome.email ?? (identifier.includes("@") ? identifier : "");
      return h.renderPage(
        ctx,
        "verify-email-resend",
        {
          title: "Verify your email",
          error: message,
          email,
          signInUrl: signIn,
          csrfToken: app.csrf.token(ctx, "resend-verification"),
          action: `/verify-email/resend?login=${encodeURIComponent(signIn)}`,
          ...(outcome.email ? { returnProof: appReturn.proofFor(signIn, outcome.email) } : {}),
        },
        status,
      );
    }
    // in the page's language, values included (the SSO requirement names its team and domain: messages.ts)
    return render(ctx, interaction, {
      identifier,
      error: wording(outcome).say(translator(localeOf(ctx, app.config.defaultLocale))),
      errorKey: key,
      status,
    });
  }

  return { render, refusedOrOn };
}
