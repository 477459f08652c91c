// Adding and editing a sign-in provider on the admin pages: GET/POST /admin/connectors/new (from a preset: only
// the client id and secret to fill; or custom OpenID Connect / OAuth 2.0) and GET/POST
// /admin/connectors/:id/edit (the secret field left empty keeps the secret, which is never shown back). The form
// (connectors-form.ts) is judged by the use case's schemas and then the use case (services/federation); a refusal
// shows on the form (400); a done change goes back to the list with a notice. Audited by the use case.
import type { ConnectorRow } from "../../../queries/upstream-connectors.ts";
import { connectorChangesSchema, newConnectorSchema } from "../../../services/federation/connector-schemas.ts";
import { PRESET_SETTINGS, PRESETS } from "../../../services/federation/presets.ts";
import type { Say } from "./config-words.ts";
import { connectorNotFound, type ConnectorPages } from "./connectors-pages.ts";
import { formFrom, formOf, inputOf, issuesOf } from "./connectors-form.ts";

/** the list's notice for a new sign-in provider: the URLs its upstream needs (SAML metadata and ACS; redirect, JWKS) */
function addedNotice(p: ConnectorPages, c: ConnectorRow, say: Say): string {
  const { services } = p.app;
  return c.kind === "saml"
    ? say("adminCfg.connectors.addedSaml", {
        name: c.name,
        metadata: services.saml.entityId(c.slug),
        acs: services.saml.acsUrl(c.slug),
      })
    : c.tokenAuthMethod === "private_key_jwt"
      ? say("adminCfg.connectors.addedJwt", {
          name: c.name,
          uri: services.upstream.redirectUri(c.slug),
          jwks: services.upstream.jwksUri(c.slug),
        })
      : say("adminCfg.connectors.added", { name: c.name, uri: services.upstream.redirectUri(c.slug) });
}

/** GET/POST /admin/connectors/new */
export function registerConnectorAdding(p: ConnectorPages): void {
  const { router, guard, forms, renderForm, renderList, sayForm, sayList } = p;
  const { services } = p.app;

  router.get("/admin/connectors/new", guard, (ctx) => renderForm(ctx, "new", formOf({ kind: "oidc" })));

  forms.post({
    path: "/admin/connectors/new",
    handle: async (ctx, { submitted: b }) => {
      const f = formOf(b);
      const preset = PRESETS.find((p) => p === f.preset);
      const parsed = newConnectorSchema.safeParse({
        ...inputOf(f, preset ? PRESET_SETTINGS[preset].settings.claimsMapping : {}),
        slug: f.slug,
        preset: f.preset || undefined,
        ...(f.preset ? { kind: undefined, trustEmailVerified: undefined } : {}),
      });
      if (!parsed.success) return renderForm(ctx, "new", f, { errors: issuesOf(parsed.error.issues, sayForm(ctx)) }, 400);
      const made = await services.connectors.create(parsed.data, p.actor(ctx));
      if (made.outcome === "invalid") return renderForm(ctx, "new", f, { errors: { [made.field]: made.message } }, 400);
      if (made.outcome === "slug_taken") return renderForm(ctx, "new", f, { errors: { slug: "adminCfg.connectors.slugTaken" } }, 400);
      return renderList(ctx, addedNotice(p, made.connector, sayList(ctx)));
    },
  });
}

/** GET/POST /admin/connectors/:id/edit */
export function registerConnectorEditing(p: ConnectorPages): void {
  const { router, guard, forms, renderForm, renderList, sayForm, sayList, connectorOr404 } = p;
  const { services } = p.app;

  router.get("/admin/connectors/:id/edit", guard, async (ctx) => {
    const c = await connectorOr404(ctx);
    return renderForm(ctx, "edit", formFrom(c), { connector: c });
  });

  forms.post({
    path: "/admin/connectors/:id/edit",
    load: connectorOr404,
    handle: async (ctx, { loaded: c, submitted: b }) => {
      const f = { ...formOf(b), slug: c.slug, preset: c.preset ?? "", kind: c.kind };
      const { emailVerified, name } = c.claimsMapping;
      const parsed = connectorChangesSchema.safeParse({
        ...inputOf(f, { ...(emailVerified ? { emailVerified } : {}), ...(name ? { name } : {}) }),
        kind: undefined,
      });
      if (!parsed.success) return renderForm(ctx, "edit", f, { connector: c, errors: issuesOf(parsed.error.issues, sayForm(ctx)) }, 400);
      const result = await services.connectors.update(c.id, parsed.data, p.actor(ctx));
      if (result.outcome === "not_found") throw connectorNotFound();
      if (result.outcome === "invalid")
        return renderForm(ctx, "edit", f, { connector: c, errors: { [result.field]: result.message } }, 400);
      return renderList(ctx, sayList(ctx)("adminCfg.connectors.saved", { name: result.connector.name }));
    },
  });
}
