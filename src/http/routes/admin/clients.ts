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
import { parseBody } from "../../body.ts";
import { AppError } from "../../errors.ts";
import type { AdminRouteHelpers } from "./shared.ts";
import { ADMIN_PERMISSIONS } from "../../../authz/core-permissions.ts";
import { sortRows, type SortSpec } from "./sorting.ts";

const CSRF = "admin-clients";

type FormValues = {
  name: string; type: string; redirectUris: string; postLogoutRedirectUris: string; grantTypes: string[];
  resources: string[]; firstParty: boolean; backchannelLogoutUri: string; permissionNamespace: string; idTokenSigningAlg: string; endsWithSession: boolean;
  offlineAccessWithoutPrompt: boolean;
};

const when = (d: Date | null) => (d ? `${d.toISOString().replace("T", " ").slice(0, 16)} UTC` : "never");
const text = (v: unknown) => (typeof v === "string" ? v : "");
/** a form field that may be sent several times (checkboxes) */
const many = (v: unknown) => (Array.isArray(v) ? v.map(String) : typeof v === "string" ? [v] : []);
const lines = (v: string) => v.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);

function formOf(b: Record<string, unknown>): FormValues {
  return {
    name: text(b.name), type: text(b.type), redirectUris: text(b.redirectUris), postLogoutRedirectUris: text(b.postLogoutRedirectUris),
    grantTypes: many(b.grantTypes), resources: many(b.resources), firstParty: b.firstParty === "yes",
    backchannelLogoutUri: text(b.backchannelLogoutUri).trim(), permissionNamespace: text(b.permissionNamespace).trim(),
    idTokenSigningAlg: text(b.idTokenSigningAlg), endsWithSession: b.endsWithSession === "yes", offlineAccessWithoutPrompt: b.offlineAccessWithoutPrompt === "yes",
  };
}

function formFromClient(c: OidcClient): FormValues {
  return {
    name: c.name, type: c.type, redirectUris: c.redirectUris.join("\n"), postLogoutRedirectUris: c.postLogoutRedirectUris.join("\n"),
    grantTypes: c.grantTypes, resources: c.resources, firstParty: c.firstParty,
    backchannelLogoutUri: c.backchannelLogoutUri ?? "", permissionNamespace: c.permissionNamespace ?? "",
    idTokenSigningAlg: c.idTokenSigningAlg ?? "", endsWithSession: c.endsWithSession, offlineAccessWithoutPrompt: c.offlineAccessWithoutPrompt,
  };
}

/** the service's input for a form (validation is the service's newClientSchema) */
function inputOf(f: FormValues): ClientEditInput {
  return {
    name: f.name, redirectUris: lines(f.redirectUris), postLogoutRedirectUris: lines(f.postLogoutRedirectUris),
    grantTypes: f.grantTypes as ClientEditInput["grantTypes"], resources: f.resources, firstParty: f.firstParty,
    backchannelLogoutUri: f.backchannelLogoutUri || null, permissionNamespace: f.permissionNamespace || null,
    // anything but the listed algorithms is refused by the service's schema
    idTokenSigningAlg: (f.idTokenSigningAlg || null) as ClientEditInput["idTokenSigningAlg"],
    endsWithSession: f.endsWithSession,
    offlineAccessWithoutPrompt: f.offlineAccessWithoutPrompt,
  };
}

/** how the form names each field in a message */
const FIELD_NAMES: Record<string, string> = {
  name: "a name for the client", redirectUris: "a redirect URI", postLogoutRedirectUris: "a post-logout redirect URI",
  grantTypes: "a grant type", resources: "a resource server", backchannelLogoutUri: "the back-channel logout URI",
  permissionNamespace: "the permission namespace", idTokenSigningAlg: "an ID token algorithm", type: "a client type",
};
/** the validator's own words ("Too small: expected string to have >=1 characters") are not for people */
const VALIDATOR_WORDS = /^(Invalid|Too (small|big)|Expected)\b/;

/** one refusal in the form's words */
export function friendlyIssue(i: { code: string; message: string; path: PropertyKey[]; maximum?: unknown; origin?: unknown }): string {
  const field = String(i.path[0] ?? "name");
  const what = FIELD_NAMES[field] ?? "this field";
  const line = typeof i.path[1] === "number" ? ` (line ${i.path[1] + 1})` : "";
  // the schema's own words are for people already; a sentence starts upper-case unless it starts with a code word
  if (!VALIDATOR_WORDS.test(i.message)) return `${/^[a-z]+\s/.test(i.message) ? i.message.charAt(0).toUpperCase() + i.message.slice(1) : i.message}${line}`;
  if (i.code === "too_small") return i.origin === "array" ? `Choose at least ${what.replace(/^(a|an|the) /, "one ")}.` : `Enter ${what}.`;
  if (i.code === "too_big") return `That is too long: at most ${String(i.maximum)} characters${line}.`;
  if (i.code === "invalid_format") return `Enter a valid URL for ${what.replace(/^(a|an) /, "the ")}${line}.`;
  return `Choose or enter ${what} from the options given${line}.`;
}

/** field -> message for a refused form */
function errorsOf(err: unknown): Record<string, string> | undefined {
  if (err instanceof ZodError) {
    const out: Record<string, string> = {};
    for (const i of err.issues) out[String(i.path[0] ?? "name")] ??= friendlyIssue(i as Parameters<typeof friendlyIssue>[0]);
    return out;
  }
  if (err instanceof ClientNamespaceError) return { permissionNamespace: `overlaps the namespace of another client (${err.takenBy})` };
  return undefined;
}

export function registerAdminClientRoutes(router: Router, app: AppContext, h: AdminRouteHelpers): void {
  const { services, csrf, config } = app;
  const body = parseBody(config.bodyLimit);
  const guard = h.requireAdmin(ADMIN_PERMISSIONS.clientsManage);
  const submitted = (ctx: Context) => (ctx.request.body as Record<string, unknown> | undefined) ?? {};
  const tokenTtlMinutes = Math.ceil(Math.max(config.tokens.accessTokenTtl, config.tokens.clientCredentialsTtl) / 60);
  const actor = (ctx: Context) => ({ ...h.actor(ctx), via: "admin_page" as const });

  async function clientOr404(ctx: Context): Promise<OidcClient> {
    const c = await services.clients.find(String(ctx.params.id ?? ""));
    if (!c) throw new AppError("admin.client_not_found", 404, "There is no such client.", { startOverUrl: "/admin/clients" });
    return c;
  }
  const view = (c: OidcClient) => ({
    id: c.id, name: c.name, type: c.type, firstParty: c.firstParty, grantTypes: c.grantTypes, redirectUris: c.redirectUris,
    postLogoutRedirectUris: c.postLogoutRedirectUris, resources: c.resources, scope: c.scope, backchannelLogoutUri: c.backchannelLogoutUri,
    permissionNamespace: c.permissionNamespace, idTokenSigningAlg: c.idTokenSigningAlg, endsWithSession: c.endsWithSession,
    offlineAccessWithoutPrompt: c.offlineAccessWithoutPrompt, created: when(c.createdAt), updated: when(c.updatedAt), secretRotated: c.secretHash ? when(c.secretRotatedAt) : null,
  });

  function renderForm(ctx: Context, mode: "new" | "edit", values: FormValues, opts: { client?: OidcClient; errors?: Record<string, string> } = {}, status = 200) {
    const errors = opts.errors ?? {};
    return h.render(ctx, "clients-form", {
      section: "clients", title: mode === "new" ? "New client" : `Edit ${values.name}`, mode, values, errors,
      error: Object.keys(errors).length ? "The client was not saved: correct the fields marked below." : undefined,
      client: opts.client ? view(opts.client) : undefined, grantTypes: GRANT_TYPES, resourceServers: config.resourceServers, signingAlg: config.tokens.signingAlg,
      csrfToken: csrf.token(ctx, CSRF),
    }, status);
  }

  /** the form's values checked against the configured resource servers, then the service's input */
  function checked(f: FormValues): ClientEditInput | Record<string, string> {
    const unknown = f.resources.find((r) => !config.resourceServers.includes(r));
    if (unknown !== undefined) return { resources: "choose among the configured resource servers" };
    return inputOf(f);
  }
  const isErrors = (v: ClientEditInput | Record<string, string>): v is Record<string, string> => !("redirectUris" in v);

  type ClientRow = ReturnType<typeof view>;
  // the sortable columns (sorting.ts): a whitelist, the default the registration order
  const SORT: SortSpec<ClientRow> = {
    columns: {
      name: { label: "Name", key: (c) => c.name }, id: { label: "client_id", key: (c) => c.id }, type: { label: "Type", key: (c) => c.type },
      firstParty: { label: "First-party", key: (c) => c.firstParty }, redirectUris: { label: "Redirect URIs", key: (c) => c.redirectUris.length },
      created: { label: "Created", key: (c) => c.created },
    },
    default: { col: "created", dir: "asc" },
  };

  async function renderList(ctx: Context, notice?: string) {
    const { rows: clients, headers } = sortRows(ctx, (await services.clients.list()).map(view), SORT, "/admin/clients");
    return h.render(ctx, "clients", { section: "clients", title: "Clients", clients, headers, notice });
  }

  router.get("/admin/clients", guard, (ctx) => renderList(ctx));

  router.get("/admin/clients/new", guard, (ctx) =>
    renderForm(ctx, "new", { ...formOf({}), type: "confidential", grantTypes: ["authorization_code", "refresh_token"] }));

  router.post("/admin/clients/new", guard, body, async (ctx) => {
    const b = submitted(ctx);
    csrf.verify(ctx, CSRF, b._csrf);
    const f = formOf(b);
    const input = checked(f);
    if (isErrors(input)) return renderForm(ctx, "new", f, { errors: input }, 400);
    try {
      const { client, secret } = await services.clientAdmin.create({ ...input, type: f.type as "confidential" | "public" }, actor(ctx));
      return h.render(ctx, "clients-secret", {
        section: "clients", title: `Client ${client.name} registered`, client: view(client), secret, created: true, issuer: config.issuer,
      });
    } catch (err) {
      const errors = errorsOf(err);
      if (!errors) throw err;
      return renderForm(ctx, "new", f, { errors }, 400);
    }
  });

  router.get("/admin/clients/:id", guard, async (ctx) => {
    const c = await clientOr404(ctx);
    return h.render(ctx, "clients-detail", { section: "clients", title: c.name, client: view(c) });
  });

  router.get("/admin/clients/:id/edit", guard, async (ctx) => {
    const c = await clientOr404(ctx);
    return renderForm(ctx, "edit", formFromClient(c), { client: c });
  });

  router.post("/admin/clients/:id/edit", guard, body, async (ctx) => {
    const b = submitted(ctx);
    csrf.verify(ctx, CSRF, b._csrf);
    const c = await clientOr404(ctx);
    const f = { ...formOf(b), type: c.type };
    const input = checked(f);
    if (isErrors(input)) return renderForm(ctx, "edit", f, { client: c, errors: input }, 400);
    try {
      // the form has no scope field: the client keeps its own (a client made through the API or CLI may differ)
      const result = await services.clientAdmin.update(c.id, { ...input, scope: undefined }, actor(ctx));
      if (result.outcome === "not_found") throw new AppError("admin.client_not_found", 404, "There is no such client.", { startOverUrl: "/admin/clients" });
      const updated = result.client;
      return h.render(ctx, "clients-detail", { section: "clients", title: updated.name, client: view(updated), notice: "Client saved; sign-ins use the new settings now." });
    } catch (err) {
      const errors = errorsOf(err);
      if (!errors) throw err;
      return renderForm(ctx, "edit", f, { client: c, errors }, 400);
    }
  });

  const confirmations = {
    "rotate-secret": (c: OidcClient) => ({
      title: "Rotate the client secret",
      message: `Give ${c.name} (${c.id}) a new secret? The current secret stops working at once: the application must be given the new one, which is shown once.`,
      button: "Rotate the secret",
    }),
    delete: (c: OidcClient) => ({
      title: "Delete a client",
      message: `Delete ${c.name} (${c.id})? It can no longer authenticate, start sign-ins or refresh tokens, and its refresh tokens and userinfo access tokens stop working at once. JWT access tokens it already holds for APIs stay valid until they expire (at most ${tokenTtlMinutes} minutes). This cannot be undone.`,
      button: `Delete ${c.name}`,
    }),
  };

  for (const action of ["rotate-secret", "delete"] as const) router.get(`/admin/clients/:id/${action}`, guard, async (ctx) => {
    const c = await clientOr404(ctx);
    if (action === "rotate-secret" && c.type !== "confidential") throw new AppError("admin.client_public", 400, "A public client has no secret.", { startOverUrl: `/admin/clients/${c.id}` });
    return h.render(ctx, "clients-confirm", {
      section: "clients", title: confirmations[action](c).title,
      confirm: { ...confirmations[action](c), action: `/admin/clients/${c.id}/${action}`, back: `/admin/clients/${c.id}` },
      csrfToken: csrf.token(ctx, CSRF),
    });
  });

  router.post("/admin/clients/:id/rotate-secret", guard, body, async (ctx) => {
    csrf.verify(ctx, CSRF, submitted(ctx)._csrf);
    const c = await clientOr404(ctx);
    const rotated = await services.clientAdmin.rotateSecret(c.id, actor(ctx));
    if (rotated.outcome === "public") throw new AppError("admin.client_public", 400, "A public client has no secret.", { startOverUrl: `/admin/clients/${c.id}` });
    if (rotated.outcome === "not_found") throw new AppError("admin.client_not_found", 404, "There is no such client.", { startOverUrl: "/admin/clients" });
    const { secret } = rotated;
    return h.render(ctx, "clients-secret", { section: "clients", title: `New secret for ${c.name}`, client: view(c), secret, created: false, issuer: config.issuer });
  });

  router.post("/admin/clients/:id/delete", guard, body, async (ctx) => {
    csrf.verify(ctx, CSRF, submitted(ctx)._csrf);
    const c = await clientOr404(ctx);
    await services.clientAdmin.remove(c.id, actor(ctx));
    return renderList(ctx, `Client ${c.name} deleted.`);
  });
}
