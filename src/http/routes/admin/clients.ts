// The admin Clients screens (gatehouse.admin.clients.manage): the list, registering a client (validated with the
// client service's newClientSchema; errors inline, 400; a confidential client's secret shown once on the answer
// to the POST, never stored or logged), a client's page, editing it (every field but its type), rotating its
// secret (confirmation, then the new secret once; the old one stops working at once) and deleting it
// (confirmation naming it: it can no longer authenticate, start logins or refresh tokens). CSRF on every POST;
// every change audited with the acting admin (client.created / updated / secret_rotated / deleted).
import type Router from "@koa/router";
import type { Context } from "koa";
import { ZodError } from "zod";
import type { AppContext } from "../../web-context.ts";
import { ClientNamespaceError, GRANT_TYPES, type ClientEditInput } from "../../../services/clients.ts";
import type { OidcClient } from "../../../queries/clients.ts";
import { z } from "zod";
import { defineForms } from "../../forms.ts";
import { catalogueError } from "../../errors.ts";
import type { AdminRouteHelpers } from "./shared.ts";
import { translateText, translator } from "../../../lib/i18n/index.ts";
import { saidHeaders, sayFor, type Say } from "./config-words.ts";
import { ADMIN_PERMISSIONS } from "../../../authz/core-permissions.ts";
import { sortRows, type SortSpec } from "./sorting.ts";

const CSRF = "admin-clients";

type FormValues = {
  name: string;
  type: string;
  redirectUris: string;
  postLogoutRedirectUris: string;
  grantTypes: string[];
  resources: string[];
  firstParty: boolean;
  backchannelLogoutUri: string;
  permissionNamespace: string;
  idTokenSigningAlg: string;
  endsWithSession: boolean;
  offlineAccessWithoutPrompt: boolean;
};

const text = (v: unknown) => (typeof v === "string" ? v : "");
/** a form field that may be sent several times (checkboxes) */
const many = (v: unknown) => (Array.isArray(v) ? v.map(String) : typeof v === "string" ? [v] : []);
const lines = (v: string) =>
  v
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);

function formOf(b: Record<string, unknown>): FormValues {
  return {
    name: text(b.name),
    type: text(b.type),
    redirectUris: text(b.redirectUris),
    postLogoutRedirectUris: text(b.postLogoutRedirectUris),
    grantTypes: many(b.grantTypes),
    resources: many(b.resources),
    firstParty: b.firstParty === "yes",
    backchannelLogoutUri: text(b.backchannelLogoutUri).trim(),
    permissionNamespace: text(b.permissionNamespace).trim(),
    idTokenSigningAlg: text(b.idTokenSigningAlg),
    endsWithSession: b.endsWithSession === "yes",
    offlineAccessWithoutPrompt: b.offlineAccessWithoutPrompt === "yes",
  };
}

function formFromClient(c: OidcClient): FormValues {
  return {
    name: c.name,
    type: c.type,
    redirectUris: c.redirectUris.join("\n"),
    postLogoutRedirectUris: c.postLogoutRedirectUris.join("\n"),
    grantTypes: c.grantTypes,
    resources: c.resources,
    firstParty: c.firstParty,
    backchannelLogoutUri: c.backchannelLogoutUri ?? "",
    permissionNamespace: c.permissionNamespace ?? "",
    idTokenSigningAlg: c.idTokenSigningAlg ?? "",
    endsWithSession: c.endsWithSession,
    offlineAccessWithoutPrompt: c.offlineAccessWithoutPrompt,
  };
}

/** the service's input for a form (validation is the service's newClientSchema) */
function inputOf(f: FormValues): ClientEditInput {
  return {
    name: f.name,
    redirectUris: lines(f.redirectUris),
    postLogoutRedirectUris: lines(f.postLogoutRedirectUris),
    grantTypes: f.grantTypes as ClientEditInput["grantTypes"],
    resources: f.resources,
    firstParty: f.firstParty,
    backchannelLogoutUri: f.backchannelLogoutUri || null,
    permissionNamespace: f.permissionNamespace || null,
    // anything but the listed algorithms is refused by the service's schema
    idTokenSigningAlg: (f.idTokenSigningAlg || null) as ClientEditInput["idTokenSigningAlg"],
    endsWithSession: f.endsWithSession,
    offlineAccessWithoutPrompt: f.offlineAccessWithoutPrompt,
  };
}

/** the fields the form names in a message: "a name for the client" (a), "one grant type" (one), "the redirect URI" (the) */
const FIELDS = new Set([
  "name",
  "redirectUris",
  "postLogoutRedirectUris",
  "grantTypes",
  "resources",
  "backchannelLogoutUri",
  "permissionNamespace",
  "idTokenSigningAlg",
  "type",
]);
/** the validator's own words ("Too small: expected string to have >=1 characters") are not for people */
const VALIDATOR_WORDS = /^(Invalid|Too (small|big)|Expected)\b/;
const english = (() => {
  const t = translator("en");
  return ((text, vars) => translateText(t, text, vars)) as Say;
})();

/** one refusal in the form's words (lib/i18n/en-admin-config.ts "adminCfg.issue.*"), in `say`'s language */
export function friendlyIssue(
  i: { code: string; message: string; path: PropertyKey[]; maximum?: unknown; origin?: unknown },
  say: Say = english,
): string {
  const field = FIELDS.has(String(i.path[0])) ? String(i.path[0]) : "other";
  const what = (form: "a" | "one" | "the") => say(`adminCfg.field.${form}.${field}`);
  const line = typeof i.path[1] === "number" ? say("adminCfg.issue.line", { n: i.path[1] + 1 }) : "";
  // the schema's own words are for people already (said in the page's language where a catalogue has them); a
  // sentence starts upper-case unless it starts with a code word
  if (!VALIDATOR_WORDS.test(i.message)) {
    const own = say(i.message);
    return `${/^[a-z]+\s/.test(own) ? own.charAt(0).toUpperCase() + own.slice(1) : own}${line}`;
  }
  if (i.code === "too_small")
    return i.origin === "array" ? say("adminCfg.issue.chooseOne", { what: what("one") }) : say("adminCfg.issue.enter", { what: what("a") });
  if (i.code === "too_big") return say("adminCfg.issue.tooLong", { max: String(i.maximum), line });
  if (i.code === "invalid_format") return say("adminCfg.issue.url", { what: what("the"), line });
  return say("adminCfg.issue.choose", { what: what("a"), line });
}

/** field -> message for a refused form */
function errorsOf(err: unknown, say: Say): Record<string, string> | undefined {
  if (err instanceof ZodError) {
    const out: Record<string, string> = {};
    for (const i of err.issues) out[String(i.path[0] ?? "name")] ??= friendlyIssue(i as Parameters<typeof friendlyIssue>[0], say);
    return out;
  }
  if (err instanceof ClientNamespaceError) return { permissionNamespace: say("adminCfg.issue.namespaceTaken", { takenBy: err.takenBy }) };
  return undefined;
}

export function registerAdminClientRoutes(router: Router, app: AppContext, h: AdminRouteHelpers): void {
  const { services, csrf, config } = app;
  const guard = h.requireAdmin(ADMIN_PERMISSIONS.clientsManage);
  // every POST through defineForms (http/forms.ts): the guard, CSRF, then the client in the URL (404); the fields
  // are read by formOf and judged by the service's newClientSchema
  const forms = defineForms(router, app);
  const fields = z.object({});
  const tokenTtlMinutes = Math.ceil(Math.max(config.tokens.accessTokenTtl, config.tokens.clientCredentialsTtl) / 60);
  const actor = (ctx: Context) => ({ ...h.actor(ctx), via: "admin_page" as const });

  async function clientOr404(ctx: Context): Promise<OidcClient> {
    const c = await services.clients.find(String(ctx.params.id ?? ""));
    if (!c) throw notFound();
    return c;
  }
  const notFound = () => catalogueError("admin.client_not_found", { startOverUrl: "/admin/clients" });
  const say = (ctx: Context, page: string) => sayFor(ctx, page, config.defaultLocale);
  const view = (c: OidcClient) => ({
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
        client: opts.client ? view(opts.client) : undefined,
        grantTypes: GRANT_TYPES,
        resourceServers: config.resourceServers,
        signingAlg: config.tokens.signingAlg,
        csrfToken: csrf.token(ctx, CSRF),
      },
      status,
    );
  }

  /** the form's values checked against the configured resource servers, then the service's input */
  function checked(f: FormValues): ClientEditInput | Record<string, string> {
    const unknown = f.resources.find((r) => !config.resourceServers.includes(r));
    if (unknown !== undefined) return { resources: "adminCfg.issue.resources" };
    return inputOf(f);
  }
  const isErrors = (v: ClientEditInput | Record<string, string>): v is Record<string, string> => !("redirectUris" in v);

  type ClientRow = ReturnType<typeof view>;
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

  async function renderList(ctx: Context, notice?: string) {
    const { rows: clients, headers } = sortRows(ctx, (await services.clients.list()).map(view), SORT, "/admin/clients");
    return h.render(ctx, "clients", {
      section: "clients",
      title: "adminCfg.clients.title",
      clients,
      headers: saidHeaders(headers, say(ctx, "clients")),
      notice,
    });
  }

  router.get("/admin/clients", guard, (ctx) => renderList(ctx));

  router.get("/admin/clients/new", guard, (ctx) =>
    renderForm(ctx, "new", { ...formOf({}), type: "confidential", grantTypes: ["authorization_code", "refresh_token"] }),
  );

  forms.post({
    path: "/admin/clients/new",
    guard,
    csrf: CSRF,
    body: fields,
    handle: async (ctx, { submitted: b }) => {
      const f = formOf(b);
      const input = checked(f);
      if (isErrors(input)) return renderForm(ctx, "new", f, { errors: input }, 400);
      try {
        const { client, secret } = await services.clientAdmin.create({ ...input, type: f.type as "confidential" | "public" }, actor(ctx));
        return h.render(ctx, "clients-secret", {
          section: "clients",
          title: say(ctx, "clients-secret")("adminCfg.clients.registeredTitle", { name: client.name }),
          client: view(client),
          secret,
          created: true,
          issuer: config.issuer,
        });
      } catch (err) {
        const errors = errorsOf(err, say(ctx, "clients-form"));
        if (!errors) throw err;
        return renderForm(ctx, "new", f, { errors }, 400);
      }
    },
  });

  router.get("/admin/clients/:id", guard, async (ctx) => {
    const c = await clientOr404(ctx);
    return h.render(ctx, "clients-detail", { section: "clients", title: c.name, client: view(c) });
  });

  router.get("/admin/clients/:id/edit", guard, async (ctx) => {
    const c = await clientOr404(ctx);
    return renderForm(ctx, "edit", formFromClient(c), { client: c });
  });

  forms.post({
    path: "/admin/clients/:id/edit",
    guard,
    csrf: CSRF,
    load: clientOr404,
    body: fields,
    handle: async (ctx, { loaded: c, submitted: b }) => {
      const f = { ...formOf(b), type: c.type };
      const input = checked(f);
      if (isErrors(input)) return renderForm(ctx, "edit", f, { client: c, errors: input }, 400);
      try {
        // the form has no scope field: the client keeps its own (a client made through the API or CLI may differ)
        const result = await services.clientAdmin.update(c.id, { ...input, scope: undefined }, actor(ctx));
        if (result.outcome === "not_found") throw notFound();
        const updated = result.client;
        return h.render(ctx, "clients-detail", {
          section: "clients",
          title: updated.name,
          client: view(updated),
          notice: "adminCfg.clients.saved",
        });
      } catch (err) {
        const errors = errorsOf(err, say(ctx, "clients-form"));
        if (!errors) throw err;
        return renderForm(ctx, "edit", f, { client: c, errors }, 400);
      }
    },
  });

  const confirmations = {
    "rotate-secret": (c: OidcClient, said: Say) => ({
      title: said("adminCfg.clients.rotateTitle"),
      message: said("adminCfg.clients.rotateBody", { name: c.name, id: c.id }),
      button: said("adminCfg.client.rotateButton"),
    }),
    delete: (c: OidcClient, said: Say) => ({
      title: said("adminCfg.clients.deleteTitle"),
      message: said("adminCfg.clients.deleteBody", { name: c.name, id: c.id, minutes: tokenTtlMinutes }),
      button: said("adminCfg.deleteNamed", { name: c.name }),
    }),
  };
  // the refusal the API and the CLI give too (client.public), so the same outcome has the same status and words
  const publicClient = (c: OidcClient) => catalogueError("client.public", { startOverUrl: `/admin/clients/${c.id}` });

  for (const action of ["rotate-secret", "delete"] as const)
    router.get(`/admin/clients/:id/${action}`, guard, async (ctx) => {
      const c = await clientOr404(ctx);
      if (action === "rotate-secret" && c.type !== "confidential") throw publicClient(c);
      const confirm = confirmations[action](c, say(ctx, "clients-confirm"));
      return h.render(ctx, "clients-confirm", {
        section: "clients",
        title: confirm.title,
        confirm: { ...confirm, action: `/admin/clients/${c.id}/${action}`, back: `/admin/clients/${c.id}` },
        csrfToken: csrf.token(ctx, CSRF),
      });
    });

  forms.post({
    path: "/admin/clients/:id/rotate-secret",
    guard,
    csrf: CSRF,
    load: clientOr404,
    body: fields,
    handle: async (ctx, { loaded: c }) => {
      const rotated = await services.clientAdmin.rotateSecret(c.id, actor(ctx));
      if (rotated.outcome === "public") throw publicClient(c);
      if (rotated.outcome === "not_found") throw notFound();
      const { secret } = rotated;
      return h.render(ctx, "clients-secret", {
        section: "clients",
        title: say(ctx, "clients-secret")("adminCfg.clients.newSecretTitle", { name: c.name }),
        client: view(c),
        secret,
        created: false,
        issuer: config.issuer,
      });
    },
  });

  forms.post({
    path: "/admin/clients/:id/delete",
    guard,
    csrf: CSRF,
    load: clientOr404,
    body: fields,
    handle: async (ctx, { loaded: c }) => {
      await services.clientAdmin.remove(c.id, actor(ctx));
      return renderList(ctx, say(ctx, "clients")("adminCfg.clients.deleted", { name: c.name }));
    },
  });
}
