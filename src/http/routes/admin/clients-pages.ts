// What the admin client screens share (clients.ts, clients-edit.ts, clients-actions.ts): their permission
// (gatehouse.admin.clients.manage), CSRF binding and form declaration (http/forms.ts), the acting admin, the client
// in the URL (or the 404 page), a client as the pages show it, the list's sortable columns, and the two pages
// most routes answer with: the list and the client form.
import type Router from "@koa/router";
import type { Context } from "koa";
import type { AppContext } from "../../web-context.ts";
import { GRANT_TYPES } from "../../../services/clients.ts";
import type { OidcClient } from "../../../queries/clients.ts";
import { defineForms } from "../../forms.ts";
import { catalogueError } from "../../errors.ts";
import type { AdminRouteHelpers } from "./shared.ts";
import { saidHeaders, sayFor, type Say } from "./config-words.ts";
import { ADMIN_PERMISSIONS } from "../../../authz/core-permissions.ts";
import { sortRows, type SortSpec } from "./sorting.ts";
import type { FormValues } from "./clients-form.ts";

/** one CSRF binding for every form on the client screens */
export const CLIENTS_CSRF = "admin-clients";

export const clientNotFound = () => catalogueError("admin.client_not_found", { startOverUrl: "/admin/clients" });

/** a client as the pages show it */
export const clientView = (c: OidcClient) => ({
  id: c.id,
  name: c.name,
  type: c.type,
  firstParty: c.firstParty,
  grantTypes: c.grantTypes,
  redirectUris: c.redirectUris,
  postLogoutRedirectUris: c.postLogoutRedirectUris,
  resources: c.resources,
  scope: c.scope,
  backchannelLogoutUri: c.backchannelLogoutUri,
  permissionNamespace: c.permissionNamespace,
  idTokenSigningAlg: c.idTokenSigningAlg,
  endsWithSession: c.endsWithSession,
  offlineAccessWithoutPrompt: c.offlineAccessWithoutPrompt,
  createdAt: c.createdAt,
  updatedAt: c.updatedAt,
  // dates in the page's words (views' tDate); secretRotated: whether the client has a secret at all
  secretRotated: c.secretHash ? true : null,
  secretRotatedAt: c.secretRotatedAt,
});

type ClientRow = ReturnType<typeof clientView>;
// the sortable columns (sorting.ts): a whitelist, the default the registration order
const SORT: SortSpec<ClientRow> = {
  columns: {
    name: { label: "adminCfg.col.name", key: (c) => c.name },
    id: { label: "adminCfg.col.clientId", key: (c) => c.id },
    type: { label: "adminCfg.col.type", key: (c) => c.type },
    firstParty: { label: "adminCfg.col.firstParty", key: (c) => c.firstParty },
    redirectUris: { label: "adminCfg.col.redirectUris", key: (c) => c.redirectUris.length },
    created: { label: "adminCfg.col.created", key: (c) => c.createdAt.toISOString() },
  },
  default: { col: "created", dir: "asc" },
};

/** the list and the client form, rendered */
function clientRenderers(app: AppContext, h: AdminRouteHelpers, say: (ctx: Context, page: string) => Say) {
  const { services, csrf, config } = app;
  function renderForm(
    ctx: Context,
    mode: "new" | "edit",
    values: FormValues,
    opts: { client?: OidcClient; errors?: Record<string, string> } = {},
    status = 200,
  ) {
    const errors = opts.errors ?? {};
    const said = say(ctx, "clients-form");
    return h.render(
      ctx,
      "clients-form",
      {
        section: "clients",
        title: mode === "new" ? said("adminCfg.clients.new") : said("adminCfg.clients.editTitle", { name: values.name }),
        mode,
        values,
        errors: Object.fromEntries(Object.entries(errors).map(([k, v]) => [k, said(v)])),
        error: Object.keys(errors).length ? "adminCfg.issue.notSaved" : undefined,
        client: opts.client ? clientView(opts.client) : undefined,
        grantTypes: GRANT_TYPES,
        resourceServers: config.resourceServers,
        signingAlg: config.tokens.signingAlg,
        csrfToken: csrf.token(ctx, CLIENTS_CSRF),
      },
      status,
    );
  }

  async function renderList(ctx: Context, notice?: string) {
    const { rows: clients, headers } = sortRows(ctx, (await services.clients.list()).map(clientView), SORT, "/admin/clients");
    return h.render(ctx, "clients", {
      section: "clients",
      title: "adminCfg.clients.title",
      clients,
      headers: saidHeaders(headers, say(ctx, "clients")),
      notice,
    });
  }
  return { renderForm, renderList };
}

export function createClientPages(router: Router, app: AppContext, h: AdminRouteHelpers) {
  const { services, config } = app;
  const say = (ctx: Context, page: string) => sayFor(ctx, page, config.defaultLocale);
  const guard = h.requireAdmin(ADMIN_PERMISSIONS.clientsManage);
  return {
    app,
    h,
    router,
    guard,
    // every POST through defineForms (http/forms.ts): the guard and CSRF of every client form, then the client in the
    // URL (404); the fields are read by formOf (clients-form.ts) and judged by the service's newClientSchema
    forms: defineForms(router, app, { guard, csrf: CLIENTS_CSRF }),
    actor: (ctx: Context) => ({ ...h.actor(ctx), via: "admin_page" as const }),
    say,
    async clientOr404(ctx: Context): Promise<OidcClient> {
      const c = await services.clients.find(String(ctx.params.id ?? ""));
      if (!c) throw clientNotFound();
      return c;
    },
    ...clientRenderers(app, h, say),
  };
}

export type ClientPages = ReturnType<typeof createClientPages>;
