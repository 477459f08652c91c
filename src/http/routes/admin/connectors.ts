// The admin "Sign-in providers" screens (gatehouse.admin.connectors.manage; #17): the list, adding one (from a
// preset: only the client id and secret to fill; or custom OpenID Connect / OAuth 2.0), editing (the secret
// field left empty keeps the secret, which is never shown back), enable/disable, delete (confirmation; refused
// while accounts sign in through it). private_key_jwt connectors show their JWKS URL and keys on the edit page,
// with "make a new signing key" and "remove the old keys". The same use case as the API and the CLI
// (services/federation/connectors.ts).
// CSRF on every POST; each change audited with the acting admin.
import type Router from "@koa/router";
import type { Context } from "koa";
import type { AppContext } from "../../web-context.ts";
import type { ConnectorRow } from "../../../queries/upstream-connectors.ts";
import { connectorChangesSchema, connectorView, newConnectorSchema } from "../../../services/federation/connectors.ts";
import { PRESET_SETTINGS, PRESETS } from "../../../services/federation/presets.ts";
import { parseBody } from "../../body.ts";
import { AppError } from "../../errors.ts";
import type { AdminRouteHelpers } from "./shared.ts";
import { ADMIN_PERMISSIONS } from "../../../authz/core-permissions.ts";
import { sortRows, type SortSpec } from "./sorting.ts";

const CSRF = "admin-connectors";
const URL_FIELDS = ["issuer", "authorizationEndpoint", "tokenEndpoint", "userinfoEndpoint", "emailsEndpoint"] as const;
type Form = Record<string, string>;

const text = (v: unknown) => (typeof v === "string" ? v.trim() : "");
const FORM_FIELDS = ["slug", "preset", "name", "kind", ...URL_FIELDS, "clientId", "clientSecret", "tokenAuthMethod", "scopes", "trustEmailVerified", "claimSubject", "claimEmail", "claimUsername", "claimGroups", "idpMetadata"];
const formOf = (b: Record<string, unknown>): Form => Object.fromEntries(FORM_FIELDS.map((f) => [f, f === "clientSecret" ? (typeof b[f] === "string" ? b[f] : "") : text(b[f])]));
const formFrom = (c: ConnectorRow): Form => ({
  slug: c.slug, preset: c.preset ?? "", name: c.name, kind: c.kind, issuer: c.issuer ?? "", authorizationEndpoint: c.authorizationEndpoint ?? "",
  tokenEndpoint: c.tokenEndpoint ?? "", userinfoEndpoint: c.userinfoEndpoint ?? "", emailsEndpoint: c.emailsEndpoint ?? "", clientId: c.clientId, clientSecret: "", tokenAuthMethod: c.tokenAuthMethod,
  scopes: c.scopes.join(" "), trustEmailVerified: c.trustEmailVerified ? "yes" : "", claimSubject: c.claimsMapping.subject ?? "", claimEmail: c.claimsMapping.email ?? "", claimUsername: c.claimsMapping.username ?? "",
  claimGroups: c.claimsMapping.groups ?? "", idpMetadata: "",
});

/**
 * the form as the use case's input: an empty field is "not given" (the preset's or the connector's value stays).
 * The claims mapping is one value: `kept` holds what the form does not show (the preset's whole mapping when
 * adding; emailVerified and name when editing), so giving one claim does not drop the others
 */
function inputOf(f: Form, kept: Record<string, string> = {}) {
  const given = (v: string | undefined) => (v ? v : undefined);
  const shown = Object.fromEntries(([["subject", f.claimSubject], ["email", f.claimEmail], ["username", f.claimUsername], ["groups", f.claimGroups]] as const).filter(([, v]) => v)) as Record<string, string>;
  const mapping = Object.keys(shown).length ? { ...kept, ...shown } : {};
  return {
    name: given(f.name), kind: given(f.kind), ...Object.fromEntries(URL_FIELDS.map((k) => [k, given(f[k])])), clientId: given(f.clientId), clientSecret: given(f.clientSecret), tokenAuthMethod: given(f.tokenAuthMethod),
    scopes: f.scopes ? f.scopes.split(/\s+/).filter(Boolean) : undefined, trustEmailVerified: f.trustEmailVerified === "yes",
    claimsMapping: Object.keys(mapping).length ? mapping : undefined, idpMetadata: given(f.idpMetadata),
    // SAML: the issuer field holds the IdP's entity id (which need not be a URL)
    ...(f.kind === "saml" ? { issuer: undefined, idpEntityId: given(f.issuer) } : {}),
  };
}
const issuesOf = (issues: { path: PropertyKey[]; message: string }[]) => Object.fromEntries(issues.map((i) => [String(i.path[0] ?? "name"), i.message]));

export function registerAdminConnectorRoutes(router: Router, app: AppContext, h: AdminRouteHelpers): void {
  const { services, csrf, config } = app;
  const body = parseBody(config.bodyLimit);
  const guard = h.requireAdmin(ADMIN_PERMISSIONS.connectorsManage);
  const submitted = (ctx: Context) => (ctx.request.body as Record<string, unknown> | undefined) ?? {};
  const actor = (ctx: Context) => ({ ...h.actor(ctx), via: "admin_page" as const });
  const view = (c: ConnectorRow) => ({
    ...connectorView(c), redirectUri: services.upstream.redirectUri(c.slug), jwksUri: c.tokenAuthMethod === "private_key_jwt" ? services.upstream.jwksUri(c.slug) : null,
    spMetadataUrl: c.kind === "saml" ? services.saml.entityId(c.slug) : null, acsUrl: c.kind === "saml" ? services.saml.acsUrl(c.slug) : null,
  });
  const presets = PRESETS.map((p) => ({ key: p, name: PRESET_SETTINGS[p].name }));

  async function connectorOr404(ctx: Context): Promise<ConnectorRow> {
    const c = await services.connectors.find(String(ctx.params.id ?? "")).catch(() => null);
    if (!c) throw new AppError("admin.connector_not_found", 404, "There is no such sign-in provider.", { startOverUrl: "/admin/connectors" });
    return c;
  }
  // the sortable columns (sorting.ts): a whitelist; by default the order they were added in
  const SORT: SortSpec<ReturnType<typeof view>> = {
    columns: { name: { label: "Name", key: (c) => c.name }, slug: { label: "Slug", key: (c) => c.slug }, kind: { label: "Kind", key: (c) => c.kind }, state: { label: "State", key: (c) => (c.enabled ? "enabled" : "disabled") } },
    default: { col: null, dir: "asc" },
  };
  const renderList = async (ctx: Context, notice?: string, error?: string, status = 200) => {
    const { rows: connectors, headers } = sortRows(ctx, (await services.connectors.list()).map(view), SORT, "/admin/connectors");
    return h.render(ctx, "connectors", { section: "connectors", title: "Sign-in providers", connectors, headers, notice, error, csrfToken: csrf.token(ctx, CSRF) }, status);
  };
  const renderForm = (ctx: Context, mode: "new" | "edit", values: Form, opts: { connector?: ConnectorRow; errors?: Record<string, string> } = {}, status = 200) =>
    h.render(ctx, "connectors-form", {
      section: "connectors", title: mode === "new" ? "New sign-in provider" : `Edit ${values.name}`, mode, values, errors: opts.errors ?? {}, presets,
      error: opts.errors && Object.keys(opts.errors).length ? "The sign-in provider was not saved: correct the fields marked below." : undefined,
      connector: opts.connector ? view(opts.connector) : undefined, callbackBase: `${config.issuer}/federation/`, csrfToken: csrf.token(ctx, CSRF),
    }, status);

  router.get("/admin/connectors", guard, (ctx) => renderList(ctx));
  router.get("/admin/connectors/new", guard, (ctx) => renderForm(ctx, "new", formOf({ kind: "oidc" })));

  router.post("/admin/connectors/new", guard, body, async (ctx) => {
    const b = submitted(ctx);
    csrf.verify(ctx, CSRF, b._csrf);
    const f = formOf(b);
    const preset = PRESETS.find((p) => p === f.preset);
    const parsed = newConnectorSchema.safeParse({ ...inputOf(f, preset ? PRESET_SETTINGS[preset].settings.claimsMapping : {}), slug: f.slug, preset: f.preset || undefined, ...(f.preset ? { kind: undefined, trustEmailVerified: undefined } : {}) });
    if (!parsed.success) return renderForm(ctx, "new", f, { errors: issuesOf(parsed.error.issues) }, 400);
    const made = await services.connectors.create(parsed.data, actor(ctx));
    if (made.outcome === "invalid") return renderForm(ctx, "new", f, { errors: { [made.field]: made.message } }, 400);
    if (made.outcome === "slug_taken") return renderForm(ctx, "new", f, { errors: { slug: "another sign-in provider already uses this slug" } }, 400);
    const c = made.connector;
    return renderList(ctx, c.kind === "saml"
      ? `Sign-in provider ${c.name} added. Give the IdP our SP metadata: ${services.saml.entityId(c.slug)} (ACS ${services.saml.acsUrl(c.slug)}).`
      : `Sign-in provider ${c.name} added. Register ${services.upstream.redirectUri(c.slug)} as its redirect URI at the provider${
        c.tokenAuthMethod === "private_key_jwt" ? ` and ${services.upstream.jwksUri(c.slug)} as its JWKS URL (private_key_jwt)` : ""}.`);
  });

  router.get("/admin/connectors/:id/edit", guard, async (ctx) => {
    const c = await connectorOr404(ctx);
    return renderForm(ctx, "edit", formFrom(c), { connector: c });
  });

  router.post("/admin/connectors/:id/edit", guard, body, async (ctx) => {
    const b = submitted(ctx);
    csrf.verify(ctx, CSRF, b._csrf);
    const c = await connectorOr404(ctx);
    const f = { ...formOf(b), slug: c.slug, preset: c.preset ?? "", kind: c.kind };
    const { emailVerified, name } = c.claimsMapping;
    const parsed = connectorChangesSchema.safeParse({ ...inputOf(f, { ...(emailVerified ? { emailVerified } : {}), ...(name ? { name } : {}) }), kind: undefined });
    if (!parsed.success) return renderForm(ctx, "edit", f, { connector: c, errors: issuesOf(parsed.error.issues) }, 400);
    const result = await services.connectors.update(c.id, parsed.data, actor(ctx));
    if (result.outcome === "not_found") throw new AppError("admin.connector_not_found", 404, "There is no such sign-in provider.", { startOverUrl: "/admin/connectors" });
    if (result.outcome === "invalid") return renderForm(ctx, "edit", f, { connector: c, errors: { [result.field]: result.message } }, 400);
    return renderList(ctx, `Sign-in provider ${result.connector.name} saved.`);
  });

  for (const [action, enabled] of [["enable", true], ["disable", false]] as const) router.post(`/admin/connectors/:id/${action}`, guard, body, async (ctx) => {
    csrf.verify(ctx, CSRF, submitted(ctx)._csrf);
    const c = await connectorOr404(ctx);
    await services.connectors.update(c.id, { enabled }, actor(ctx));
    return renderList(ctx, `Sign-in provider ${c.name} ${enabled ? "enabled" : "disabled"}.`);
  });

  // private_key_jwt: a new signing key (the old one stays published), then the old ones removed (the edit page)
  for (const [action, done] of [["rotate-key", "has a new signing key, published now and signing in 10 minutes; the old one stays published until you remove it"], ["remove-old-keys", "no longer publishes the keys older than the one signing now"]] as const) {
    router.post(`/admin/connectors/:id/${action}`, guard, body, async (ctx) => {
      csrf.verify(ctx, CSRF, submitted(ctx)._csrf);
      const c = await connectorOr404(ctx);
      const result = action === "rotate-key" ? await services.connectors.rotateKey(c.id, actor(ctx)) : await services.connectors.removeOldKeys(c.id, actor(ctx));
      if (result.outcome === "not_found") throw new AppError("admin.connector_not_found", 404, "There is no such sign-in provider.", { startOverUrl: "/admin/connectors" });
      if (result.outcome === "invalid") return renderList(ctx, undefined, `${c.name}: ${result.message}`, 400);
      return renderList(ctx, `Sign-in provider ${c.name} ${done}.`);
    });
  }

  router.get("/admin/connectors/:id/delete", guard, async (ctx) => {
    const c = await connectorOr404(ctx);
    return h.render(ctx, "clients-confirm", {
      section: "connectors", title: "Delete a sign-in provider", csrfToken: csrf.token(ctx, CSRF),
      confirm: { title: "Delete a sign-in provider", message: `Delete ${c.name} (${c.slug})? Its button disappears from the sign-in page. This cannot be undone.`, button: `Delete ${c.name}`, action: `/admin/connectors/${c.id}/delete`, back: "/admin/connectors" },
    });
  });

  router.post("/admin/connectors/:id/delete", guard, body, async (ctx) => {
    csrf.verify(ctx, CSRF, submitted(ctx)._csrf);
    const c = await connectorOr404(ctx);
    const result = await services.connectors.remove(c.id, actor(ctx));
    if (result.outcome === "in_use") return renderList(ctx, undefined, `${c.name} was not deleted: ${result.linked} account(s) sign in through it. Disable it instead.`, 409);
    return renderList(ctx, `Sign-in provider ${c.name} deleted.`);
  });
}
