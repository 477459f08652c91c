// SAML 2.0 connectors (#17; services/federation/saml.ts). The sign-in page's button is the same as for OpenID
// Connect (POST /interaction/:uid/federation/:slug: an AuthnRequest by the HTTP-Redirect binding), then:
//   GET  /federation/saml/:slug/metadata          our SP metadata for the IdP (entity id, ACS URL, signed assertions)
//   POST /federation/saml/:slug/acs               the Assertion Consumer Service (HTTP-POST binding). The IdP's
//                                                 page posts here cross-site, so the SameSite=Lax interaction
//                                                 cookie is NOT sent: this route checks nothing but the size and
//                                                 that the RelayState names a started sign-in, and answers with a
//                                                 same-site form (submitted at once by auto-submit.js, or by its
//                                                 button) that carries SAMLResponse and RelayState on to
//   POST /interaction/:uid/federation/:slug/saml  the first factor, where the interaction cookie IS sent (a form
//                                                 on our own page): the browser binding is the interaction's
//                                                 cookie, as for the OIDC callback; the RelayState (random, single
//                                                 use, bound to this interaction in Redis) is the form's token
//                                                 (no CSRF cookie can come with the IdP's post); a foreign Origin
//                                                 is refused.
import type Router from "@koa/router";
import type { Context } from "koa";
import type { AppContext } from "../../web-context.ts";
import type { LoginEngine } from "../../../flows/login/engine.ts";
import type { Outcome } from "../../../flows/login/types.ts";
import { catalogueError } from "../../errors.ts";
import { parseBody } from "../../body.ts";
import { SLUG_PATTERN } from "../../../services/federation/connector-schemas.ts";
import { MAX_SAML_RESPONSE } from "../../../services/federation/saml.ts";
import type { Interaction, InteractionHelpers } from "./shared.ts";

type Answer = (ctx: Context, interaction: Interaction, outcome: Outcome) => Promise<void>;
const field = (ctx: Context, name: string) => {
  const v = (ctx.request.body as Record<string, unknown> | undefined)?.[name];
  return typeof v === "string" ? v : "";
};

export function registerSamlRoutes(router: Router, app: AppContext, h: InteractionHelpers, engine: LoginEngine, answer: Answer) {
  const { services } = app;
  // a little above the largest SAMLResponse taken, so that a larger one is refused clearly (and audited) by us
  const body = parseBody(`${Math.ceil(MAX_SAML_RESPONSE / 1024) + 64}kb`);
  const samlConnector = async (raw: unknown) => {
    const slug = String(raw ?? "");
    const c = SLUG_PATTERN.test(slug) ? await services.connectors.findBySlug(slug) : null;
    if (!c || c.kind !== "saml") throw catalogueError("federation.unknown_provider#saml");
    return c;
  };
  const refusedAtAcs = async (ctx: Context, slug: string, reason: string, detail: string) => {
    await app.rateLimits.loginPerIp.consume(ctx.ip);
    await services.upstream.strayCallback(slug, { ip: ctx.ip, userAgent: ctx.get("user-agent") || null }, reason, detail);
  };

  router.get("/federation/saml/:slug/metadata", async (ctx) => {
    const c = await samlConnector(ctx.params.slug);
    ctx.type = "application/samlmetadata+xml";
    ctx.set("Content-Disposition", `inline; filename="${c.slug}-sp-metadata.xml"`);
    ctx.body = await services.saml.metadata(c);
  });

  router.post("/federation/saml/:slug/acs", body, async (ctx) => {
    const c = await samlConnector(ctx.params.slug);
    const response = field(ctx, "SAMLResponse");
    const relay = field(ctx, "RelayState");
    if (response.length > MAX_SAML_RESPONSE) {
      await refusedAtAcs(ctx, c.slug, "upstream.malformed", "SAMLResponse too large");
      throw catalogueError("login.upstream_failed#too_large");
    }
    const uid = relay && relay.length <= 200 ? await services.saml.interactionOf(relay) : null;
    if (!uid || !response) {
      await refusedAtAcs(ctx, c.slug, "upstream.state", relay ? "unknown or used RelayState" : "no RelayState");
      throw catalogueError("login.upstream_failed");
    }
    await h.renderPage(ctx, "federation-saml-continue", {
      title: `Signing in with ${c.name}`,
      provider: c.name,
      action: `/interaction/${encodeURIComponent(uid)}/federation/${c.slug}/saml`,
      samlResponse: response,
      relayState: relay,
    });
  });

  router.post("/interaction/:uid/federation/:slug/saml", body, async (ctx) => {
    const c = await samlConnector(ctx.params.slug);
    const interaction = await h.load(ctx);
    h.requireLogin(interaction);
    const origin = ctx.get("origin");
    if (origin && origin !== new URL(app.config.issuer).origin) throw catalogueError("csrf.foreign_origin#form");
    await app.rateLimits.loginPerIp.consume(ctx.ip);
    const fields = new URLSearchParams({ SAMLResponse: field(ctx, "SAMLResponse"), RelayState: field(ctx, "RelayState") });
    const outcome = await engine.firstFactor(h.facts(ctx, interaction), {
      method: "upstream",
      slug: c.slug,
      query: fields.toString(),
      remember: false,
    });
    return answer(ctx, interaction, outcome);
  });
}
