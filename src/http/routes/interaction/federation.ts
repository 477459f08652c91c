// Sign-in through an upstream identity provider (#17; services/federation/, flows/login/upstream.ts):
//   POST /interaction/:uid/federation/:slug            the login page's button (CSRF): the browser goes to the
//                                                      upstream with state, nonce and PKCE bound to this interaction
//   GET  /federation/:slug/callback                    the redirect URI registered at the upstream: it only sends
//                                                      the browser on to its interaction's own path (where the
//                                                      interaction cookie is sent), the query unchanged
//   GET  /interaction/:uid/federation/:slug/callback   the first factor: the upstream's answer, taken once
//   GET  /federation/:slug/jwks                        private_key_jwt: the connector's public keys (its jwks_uri
//                                                      at the upstream); public, cacheable, never a private part
//   /federation/saml/:slug/metadata|acs, /interaction/:uid/federation/:slug/saml: SAML connectors (saml.ts)
//   GET|POST /interaction/:uid/federation-link         an account has the upstream's verified address: its
//                                                      password links the two, then the sign-in goes on
// Refusals are the sign-in's error page with a way to start again; an upstream that is down or slow is a 503
// with Retry-After, after FEDERATION_UPSTREAM_TIMEOUT at most.
import type Router from "@koa/router";
import type { Context } from "koa";
import { z } from "zod";
import type { AppContext } from "../../web-context.ts";
import type { LoginEngine } from "../../../flows/login/engine.ts";
import type { Outcome } from "../../../flows/login/types.ts";
import { catalogueError } from "../../errors.ts";
import { SLUG_PATTERN } from "../../../services/federation/connector-schemas.ts";
import type { Interaction, InteractionHelpers } from "./shared.ts";
import { wording } from "./messages.ts";
import { passkeyResponse } from "./passkey.ts";
import { normalizeEmail } from "../../../services/identifiers.ts";
import { registerSamlRoutes } from "./saml.ts";
import { JWKS_MAX_AGE, publicJwksOf } from "../../../services/federation/connector-keys.ts";
import type { Forms } from "../../forms.ts";

const MAX_QUERY = 8192;
/** the account's password, or (the passkey form, public/js/passkeys.js) a passkey's answer as JSON text */
const linkBody = z.union([
  z.object({ response: passkeyResponse, remember: z.string().optional() }),
  z.object({
    password: z.string().min(1, "Enter your password").max(1024, "Passwords can be at most 1024 characters long"),
    username: z.string().optional(),
  }),
]);

/** the login page's answer to a refusal (login.ts): an unverified address gets its page with "send a new link" */
type RefusalPage = (ctx: Context, interaction: Interaction, outcome: Outcome, identifier: string) => Promise<void>;

export function registerFederationRoutes(
  router: Router,
  app: AppContext,
  h: InteractionHelpers,
  engine: LoginEngine,
  forms: Forms,
  refusalPage: RefusalPage,
) {
  const { services } = app;
  const slugOf = (raw: unknown) => {
    const slug = String(raw ?? "");
    if (!SLUG_PATTERN.test(slug)) throw catalogueError("federation.unknown_provider");
    return slug;
  };

  forms.post({
    path: "/interaction/:uid/federation/:slug",
    ...h.loginForm,
    rateLimit: { limit: "loginPerIp" },
    async handle(ctx, { scope: interaction }) {
      const connector = await services.connectors.findBySlug(slugOf(ctx.params.slug));
      if (!connector?.enabled) throw catalogueError("federation.unknown_provider", { startOverUrl: `/interaction/${interaction.uid}` });
      await h.toUpstream(ctx, interaction, connector);
    },
  });

  router.get("/federation/:slug/callback", async (ctx) => {
    const slug = slugOf(ctx.params.slug);
    const state = typeof ctx.query.state === "string" ? ctx.query.state : "";
    const uid = state && ctx.querystring.length <= MAX_QUERY ? await services.upstream.interactionOf(state) : null;
    if (!uid) {
      // anyone can call this: limited per IP before anything is written
      await app.rateLimits.loginPerIp.consume(ctx.ip);
      await services.upstream.strayCallback(slug, { ip: ctx.ip, userAgent: ctx.get("user-agent") || null });
      throw catalogueError("login.upstream_failed");
    }
    ctx.status = 303;
    ctx.redirect(`/interaction/${encodeURIComponent(uid)}/federation/${slug}/callback?${ctx.querystring}`);
  });

  router.get("/federation/:slug/jwks", async (ctx) => {
    const connector = await services.connectors.findBySlug(slugOf(ctx.params.slug));
    // published while the connector has keys (also disabled: the upstream may check the set at any time)
    if (!connector?.clientKeys.length) throw catalogueError("federation.unknown_provider");
    ctx.type = "application/jwk-set+json";
    // a rotated key signs only after twice this (connector-keys.ts): the upstream has fetched it by then
    ctx.set("Cache-Control", `public, max-age=${JWKS_MAX_AGE}`);
    ctx.body = publicJwksOf(connector);
  });

  router.get("/interaction/:uid/federation/:slug/callback", async (ctx) => {
    const slug = slugOf(ctx.params.slug);
    const interaction = await h.load(ctx);
    h.requireLogin(interaction);
    if (ctx.querystring.length > MAX_QUERY)
      throw catalogueError("login.upstream_failed#long_query", { startOverUrl: `/interaction/${interaction.uid}` });
    await app.rateLimits.loginPerIp.consume(ctx.ip);
    const outcome = await engine.firstFactor(h.facts(ctx, interaction), {
      method: "upstream",
      slug,
      query: ctx.querystring,
      remember: false,
    });
    return answerUpstream(ctx, interaction, outcome);
  });

  /** the first factor's outcome at an upstream's answer (the OIDC callback above, the SAML continue route in saml.ts) */
  async function answerUpstream(ctx: Context, interaction: Interaction, outcome: Outcome) {
    // an account has the upstream's verified address: its password may link the two (upstream-link.ts)
    if (outcome.kind === "refused" && outcome.code === "login.upstream_link_required") {
      ctx.status = 303;
      return ctx.redirect(`/interaction/${interaction.uid}/federation-link`);
    }
    // an address not verified yet: the verification page, which can send a new link (as after a password)
    if (outcome.kind === "refused" && outcome.code === "login.unverified") return refusalPage(ctx, interaction, outcome, "");
    return h.answer(ctx, interaction, outcome);
  }
  registerSamlRoutes(router, app, h, engine, answerUpstream);

  async function linkPage(ctx: Context, interaction: Interaction, error?: { message: string; status: number; key?: string }) {
    const offer = await services.federatedLinking.peek(interaction.uid);
    if (!offer) throw h.expired(interaction.uid);
    return h.renderPage(
      ctx,
      "federation-link",
      {
        title: `Link ${offer.name}`,
        provider: offer.name,
        email: offer.email,
        action: `/interaction/${interaction.uid}/federation-link`,
        csrfToken: h.csrfToken(ctx, interaction.uid),
        startOverUrl: `/interaction/${interaction.uid}`,
        error: error?.message,
        errorKey: error?.key,
        passkeyOptions: `/interaction/${interaction.uid}/passkey/options`,
      },
      error?.status,
    );
  }

  router.get("/interaction/:uid/federation-link", async (ctx) => {
    const interaction = await h.load(ctx);
    h.requireLogin(interaction);
    return linkPage(ctx, interaction);
  });

  forms.post({
    path: "/interaction/:uid/federation-link",
    ...h.loginForm,
    body: linkBody,
    invalid: (ctx, { message }, { scope }) => linkPage(ctx, scope, { message, status: 400 }),
    async handle(ctx, { scope: interaction, body }) {
      await app.rateLimits.loginPerIp.consume(ctx.ip);
      const offer = await services.federatedLinking.peek(interaction.uid);
      if (offer) await app.rateLimits.loginPerIdentifier.consume(`email:${normalizeEmail(offer.email)}`);
      const proof = "response" in body ? { passkey: body.response } : { password: body.password };
      const outcome = await engine.firstFactor(h.facts(ctx, interaction), { method: "upstream_link", proof, remember: false });
      if (outcome.kind === "refused" && (outcome.code === "login.invalid_credentials" || outcome.code === "login.passkey_refused"))
        return linkPage(ctx, interaction, wording(outcome));
      return h.answer(ctx, interaction, outcome);
    },
  });
}
