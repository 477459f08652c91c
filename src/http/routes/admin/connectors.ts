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
import { z } from "zod";
import { defineForms } from "../../forms.ts";
import { catalogueError } from "../../errors.ts";
import type { AdminRouteHelpers } from "./shared.ts";
import { saidHeaders, sayFor, type Say } from "./config-words.ts";
import { ADMIN_PERMISSIONS } from "../../../authz/core-permissions.ts";
import { sortRows, type SortSpec } from "./sorting.ts";

const CSRF = "admin-connectors";
const URL_FIELDS = ["issuer", "authorizationEndpoint", "tokenEndpoint", "userinfoEndpoint", "emailsEndpoint"] as const;
type Form = Record<string, string>;

const text = (v: unknown) => (typeof v === "string" ? v.trim() : "");
const FORM_FIELDS = [
  "slug",
  "preset",
  "name",
  "kind",
  ...URL_FIELDS,
  "clientId",
  "clientSecret",
  "tokenAuthMethod",
  "scopes",
  "trustEmailVerified",
  "claimSubject",
  "claimEmail",
  "claimUsername",
  "claimGroups",
  "idpMetadata",
];
const formOf = (b: Record<string, unknown>): Form =>
  Object.fromEntries(FORM_FIELDS.map((f) => [f, f === "clientSecret" ? (typeof b[f] === "string" ? b[f] : "") : text(b[f])]));
const formFrom = (c: ConnectorRow): Form => ({
  slug: c.slug,
  preset: c.preset ?? "",
  name: c.name,
  kind: c.kind,
  issuer: c.issuer ?? "",
  authorizationEndpoint: c.authorizationEndpoint ?? "",
  tokenEndpoint: c.tokenEndpoint ?? "",
  userinfoEndpoint: c.userinfoEndpoint ?? "",
  emailsEndpoint: c.emailsEndpoint ?? "",
  clientId: c.clientId,
  clientSecret: "",
  tokenAuthMethod: c.tokenAuthMethod,
  scopes: c.scopes.join(" "),
  trustEmailVerified: c.trustEmailVerified ? "yes" : "",
  claimSubject: c.claimsMapping.subject ?? "",
  claimEmail: c.claimsMapping.email ?? "",
  claimUsername: c.claimsMapping.username ?? "",
  claimGroups: c.claimsMapping.groups ?? "",
  idpMetadata: "",
});

/**
 * the form as the use case's input: an empty field is "not given" (the preset's or the connector's value stays).
 * The claims mapping is one value: `kept` holds what the form does not show (the preset's whole mapping when
 * adding; emailVerified and name when editing), so giving one claim does not drop the others
 */
function inputOf(f: Form, kept: Record<string, string> = {}) {
  const given = (v: string | undefined) => (v ? v : undefined);
  const shown = Object.fromEntries(
    (
      [
        ["subject", f.claimSubject],
        ["email", f.claimEmail],
        ["username", f.claimUsername],
        ["groups", f.claimGroups],
      ] as const
    ).filter(([, v]) => v),
  ) as Record<string, string>;
  const mapping = Object.keys(shown).length ? { ...kept, ...shown } : {};
  return {
    name: given(f.name),
    kind: given(f.kind),
    ...Object.fromEntries(URL_FIELDS.map((k) => [k, given(f[k])])),
    clientId: given(f.clientId),
    clientSecret: given(f.clientSecret),
    tokenAuthMethod: given(f.tokenAuthMethod),
    scopes: f.scopes ? f.scopes.split(/\s+/).filter(Boolean) : undefined,
    trustEmailVerified: f.trustEmailVerified === "yes",
    claimsMapping: Object.keys(mapping).length ? mapping : undefined,
    idpMetadata: given(f.idpMetadata),
    // SAML: the issuer field holds the IdP's entity id (which need not be a URL)
    ...(f.kind === "saml" ? { issuer: undefined, idpEntityId: given(f.issuer) } : {}),
  };
}
/** field -> the schema's words (said in the page's language where a catalogue has them) */
const issuesOf = (issues: { path: PropertyKey[]; message: string }[], say: Say) =>
  Object.fromEntries(issues.map((i) => [String(i.path[0] ?? "name"), say(i.message)]));

export function registerAdminConnectorRoutes(router: Router, app: AppContext, h: AdminRouteHelpers): void {
  const { services, csrf, config } = app;
  // every POST through defineForms (http/forms.ts): the guard, CSRF, then the sign-in provider in the URL (404);
  // the fields are read by formOf and judged by the use case's schemas
  const forms = defineForms(router, app);
  const fields = z.object({});
  const guard = h.requireAdmin(ADMIN_PERMISSIONS.connectorsManage);
  const actor = (ctx: Context) => ({ ...h.actor(ctx), via: "admin_page" as const });
  const view = (c: ConnectorRow) => ({
    ...connectorView(c),
    redirectUri: services.upstream.redirectUri(c.slug),
    jwksUri: c.tokenAuthMethod === "private_key_jwt" ? services.upstream.jwksUri(c.slug) : null,
    spMetadataUrl: c.kind === "saml" ? services.saml.entityId(c.slug) : null,
    acsUrl: c.kind === "saml" ? services.saml.acsUrl(c.slug) : null,
  });
  const presets = PRESETS.map((p) => ({ key: p, name: PRESET_SETTINGS[p].name }));

  async function connectorOr404(ctx: Context): Promise<ConnectorRow> {
    const c = await services.connectors.find(String(ctx.params.id ?? "")).catch(() => null);
    if (!c) throw notFound();
    return c;
  }
  const notFound = () => catalogueError("admin.connector_not_found", { startOverUrl: "/admin/connectors" });
  const sayList = (ctx: Context) => sayFor(ctx, "connectors", config.defaultLocale);
  const sayForm = (ctx: Context) => sayFor(ctx, "connectors-form", config.defaultLocale);
  // the sortable columns (sorting.ts): a whitelist; by default the order they were added in
  const SORT: SortSpec<ReturnType<typeof view>> = {
    columns: {
      name: { label: "adminCfg.col.name", key: (c) => c.name },
      slug: { label: "adminCfg.col.slug", key: (c) => c.slug },
      kind: { label: "adminCfg.col.kind", key: (c) => c.kind },
      state: { label: "adminCfg.col.state", key: (c) => (c.enabled ? "enabled" : "disabled") },
    },
    default: { col: null, dir: "asc" },
  };
  const renderList = async (ctx: Context, notice?: string, error?: string, status = 200) => {
    const { rows: connectors, headers } = sortRows(ctx, (await services.connectors.list()).map(view), SORT, "/admin/connectors");
    return h.render(
      ctx,
      "connectors",
      {
        section: "connectors",
        title: "adminCfg.connectors.title",
        connectors,
        headers: saidHeaders(headers, sayList(ctx)),
        notice,
        error,
        csrfToken: csrf.token(ctx, CSRF),
      },
      status,
    );
  };
  const renderForm = (
    ctx: Context,
    mode: "new" | "edit",
    values: Form,
    opts: { connector?: ConnectorRow; errors?: Record<string, string> } = {},
    status = 200,
  ) =>
    h.render(
      ctx,
      "connectors-form",
      {
        section: "connectors",
        title: mode === "new" ? "adminCfg.connectors.new" : sayForm(ctx)("adminCfg.clients.editTitle", { name: values.name ?? "" }),
        mode,
        values,
        errors: Object.fromEntries(Object.entries(opts.errors ?? {}).map(([k, v]) => [k, sayForm(ctx)(v)])),
        presets,
        error: opts.errors && Object.keys(opts.errors).length ? "adminCfg.connectors.notSaved" : undefined,
        connector: opts.connector ? view(opts.connector) : undefined,
        callbackBase: `${config.issuer}/federation/`,
        csrfToken: csrf.token(ctx, CSRF),
      },
      status,
    );

  router.get("/admin/connectors", guard, (ctx) => renderList(ctx));
  router.get("/admin/connectors/new", guard, (ctx) => renderForm(ctx, "new", formOf({ kind: "oidc" })));

  forms.post({
    path: "/admin/connectors/new",
    guard,
    csrf: CSRF,
    body: fields,
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
      const made = await services.connectors.create(parsed.data, actor(ctx));
      if (made.outcome === "invalid") return renderForm(ctx, "new", f, { errors: { [made.field]: made.message } }, 400);
      if (made.outcome === "slug_taken") return renderForm(ctx, "new", f, { errors: { slug: "adminCfg.connectors.slugTaken" } }, 400);
      const c = made.connector;
      const say = sayList(ctx);
      return renderList(
        ctx,
        c.kind === "saml"
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
            : say("adminCfg.connectors.added", { name: c.name, uri: services.upstream.redirectUri(c.slug) }),
      );
    },
  });

  router.get("/admin/connectors/:id/edit", guard, async (ctx) => {
    const c = await connectorOr404(ctx);
    return renderForm(ctx, "edit", formFrom(c), { connector: c });
  });

  forms.post({
    path: "/admin/connectors/:id/edit",
    guard,
    csrf: CSRF,
    load: connectorOr404,
    body: fields,
    handle: async (ctx, { loaded: c, submitted: b }) => {
      const f = { ...formOf(b), slug: c.slug, preset: c.preset ?? "", kind: c.kind };
      const { emailVerified, name } = c.claimsMapping;
      const parsed = connectorChangesSchema.safeParse({
        ...inputOf(f, { ...(emailVerified ? { emailVerified } : {}), ...(name ? { name } : {}) }),
        kind: undefined,
      });
      if (!parsed.success) return renderForm(ctx, "edit", f, { connector: c, errors: issuesOf(parsed.error.issues, sayForm(ctx)) }, 400);
      const result = await services.connectors.update(c.id, parsed.data, actor(ctx));
      if (result.outcome === "not_found") throw notFound();
      if (result.outcome === "invalid")
        return renderForm(ctx, "edit", f, { connector: c, errors: { [result.field]: result.message } }, 400);
      return renderList(ctx, sayList(ctx)("adminCfg.connectors.saved", { name: result.connector.name }));
    },
  });

  for (const [action, enabled] of [
    ["enable", true],
    ["disable", false],
  ] as const)
    forms.post({
      path: `/admin/connectors/:id/${action}`,
      guard,
      csrf: CSRF,
      load: connectorOr404,
      body: fields,
      handle: async (ctx, { loaded: c }) => {
        await services.connectors.update(c.id, { enabled }, actor(ctx));
        return renderList(ctx, sayList(ctx)(enabled ? "adminCfg.connectors.enabled" : "adminCfg.connectors.disabled", { name: c.name }));
      },
    });

  // private_key_jwt: a new signing key (the old one stays published), then the old ones removed (the edit page)
  for (const [action, done] of [
    ["rotate-key", "adminCfg.connectors.keyRotated"],
    ["remove-old-keys", "adminCfg.connectors.keysRemoved"],
  ] as const) {
    forms.post({
      path: `/admin/connectors/:id/${action}`,
      guard,
      csrf: CSRF,
      load: connectorOr404,
      body: fields,
      handle: async (ctx, { loaded: c }) => {
        const result =
          action === "rotate-key"
            ? await services.connectors.rotateKey(c.id, actor(ctx))
            : await services.connectors.removeOldKeys(c.id, actor(ctx));
        if (result.outcome === "not_found") throw notFound();
        if (result.outcome === "invalid") return renderList(ctx, undefined, `${c.name}: ${sayList(ctx)(result.message)}`, 400);
        return renderList(ctx, sayList(ctx)(done, { name: c.name }));
      },
    });
  }

  router.get("/admin/connectors/:id/delete", guard, async (ctx) => {
    const c = await connectorOr404(ctx);
    const say = sayFor(ctx, "clients-confirm", config.defaultLocale);
    return h.render(ctx, "clients-confirm", {
      section: "connectors",
      title: "adminCfg.connectors.deleteTitle",
      csrfToken: csrf.token(ctx, CSRF),
      confirm: {
        title: say("adminCfg.connectors.deleteTitle"),
        message: say("adminCfg.connectors.deleteBody", { name: c.name, slug: c.slug }),
        button: say("adminCfg.deleteNamed", { name: c.name }),
        action: `/admin/connectors/${c.id}/delete`,
        back: "/admin/connectors",
      },
    });
  });

  forms.post({
    path: "/admin/connectors/:id/delete",
    guard,
    csrf: CSRF,
    load: connectorOr404,
    body: fields,
    handle: async (ctx, { loaded: c }) => {
      const result = await services.connectors.remove(c.id, actor(ctx));
      if (result.outcome === "in_use")
        return renderList(ctx, undefined, sayList(ctx)("adminCfg.connectors.inUse", { name: c.name, n: result.linked }), 409);
      return renderList(ctx, sayList(ctx)("adminCfg.connectors.deleted", { name: c.name }));
    },
  });
}
