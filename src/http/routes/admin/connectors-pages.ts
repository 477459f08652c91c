// What the admin "Sign-in providers" screens share (connectors.ts, connectors-edit.ts, connectors-actions.ts):
// their permission (gatehouse.admin.connectors.manage), CSRF binding and form declaration (http/forms.ts), the
// acting admin, the sign-in provider in the URL (or the 404 page), a provider as the pages show it (with the URLs
// to give the upstream: redirect, JWKS, SAML metadata and ACS), the list's sortable columns, and the two pages
// most routes answer with: the list (with a notice or an error) and the provider form.
import type Router from "@koa/router";
import type { Context } from "koa";
import type { AppContext } from "../../web-context.ts";
import type { ConnectorRow } from "../../../queries/upstream-connectors.ts";
import { connectorView } from "../../../services/federation/connector-view.ts";
import { PRESET_SETTINGS, PRESETS } from "../../../services/federation/presets.ts";
import { defineForms } from "../../forms.ts";
import { catalogueError } from "../../errors.ts";
import type { AdminRouteHelpers } from "./shared.ts";
import { saidHeaders, sayFor } from "./config-words.ts";
import { ADMIN_PERMISSIONS } from "../../../authz/core-permissions.ts";
import { sortRows, type SortSpec } from "./sorting.ts";
import type { Form } from "./connectors-form.ts";

/** one CSRF binding for every form on the sign-in provider screens */
export const CONNECTORS_CSRF = "admin-connectors";

export const connectorNotFound = () => catalogueError("admin.connector_not_found", { startOverUrl: "/admin/connectors" });

/** a sign-in provider as the pages show it: with the URLs its upstream is given (redirect, JWKS, SAML metadata and ACS) */
const viewWith = (services: AppContext["services"]) => (c: ConnectorRow) => ({
  ...connectorView(c),
  redirectUri: services.upstream.redirectUri(c.slug),
  jwksUri: c.tokenAuthMethod === "private_key_jwt" ? services.upstream.jwksUri(c.slug) : null,
  spMetadataUrl: c.kind === "saml" ? services.saml.entityId(c.slug) : null,
  acsUrl: c.kind === "saml" ? services.saml.acsUrl(c.slug) : null,
});
type ConnectorPage = ReturnType<ReturnType<typeof viewWith>>;
// the sortable columns (sorting.ts): a whitelist; by default the order they were added in
const SORT: SortSpec<ConnectorPage> = {
  columns: {
    name: { label: "adminCfg.col.name", key: (c) => c.name },
    slug: { label: "adminCfg.col.slug", key: (c) => c.slug },
    kind: { label: "adminCfg.col.kind", key: (c) => c.kind },
    state: { label: "adminCfg.col.state", key: (c) => (c.enabled ? "enabled" : "disabled") },
  },
  default: { col: null, dir: "asc" },
};
const presets = PRESETS.map((p) => ({ key: p, name: PRESET_SETTINGS[p].name }));

/** the list and the sign-in provider form, rendered */
function connectorRenderers(app: AppContext, h: AdminRouteHelpers, view: (c: ConnectorRow) => ConnectorPage) {
  const { services, csrf, config } = app;
  const sayList = (ctx: Context) => sayFor(ctx, "connectors", config.defaultLocale);
  const sayForm = (ctx: Context) => sayFor(ctx, "connectors-form", config.defaultLocale);
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
        csrfToken: csrf.token(ctx, CONNECTORS_CSRF),
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
        csrfToken: csrf.token(ctx, CONNECTORS_CSRF),
      },
      status,
    );
  return { sayList, sayForm, renderList, renderForm };
}

export function createConnectorPages(router: Router, app: AppContext, h: AdminRouteHelpers) {
  const { services } = app;
  const guard = h.requireAdmin(ADMIN_PERMISSIONS.connectorsManage);
  return {
    app,
    h,
    router,
    // every POST through defineForms (http/forms.ts): the guard and CSRF of every provider form, then the sign-in
    // provider in the URL (404); the fields are read by formOf (connectors-form.ts) and judged by the use case's schemas
    forms: defineForms(router, app, { guard, csrf: CONNECTORS_CSRF }),
    guard,
    actor: (ctx: Context) => ({ ...h.actor(ctx), via: "admin_page" as const }),
    async connectorOr404(ctx: Context): Promise<ConnectorRow> {
      const c = await services.connectors.find(String(ctx.params.id ?? "")).catch(() => null);
      if (!c) throw connectorNotFound();
      return c;
    },
    ...connectorRenderers(app, h, viewWith(services)),
  };
}

export type ConnectorPages = ReturnType<typeof createConnectorPages>;
