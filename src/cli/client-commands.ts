// `gatehouse create-client` and `gatehouse clients list|show|update|rotate-secret|delete`: the provider admins'
// client use case (services/client-admin.ts) from the command line, audited with the actor "cli". A secret is
// printed exactly once (when it is made); every command prints JSON with --json.
import { Command, Option } from "commander";
import { ZodError } from "zod";
import { ClientNamespaceError, GRANT_TYPES, newClientSchema, type ClientEditInput } from "../services/clients.ts";
import { clientView } from "../services/client-view.ts";
import type { OidcClient } from "../queries/clients.ts";
import { CATALOGUE } from "../lib/error-catalogue.ts";
import { withCliContext, CliError } from "./context.ts";
import { refused } from "./refusals.ts";

const collect = (value: string, previous: string[] = []) => [...previous, value];
const ACTOR = { actorId: "cli", via: "cli" as const };

/** a refusal of the client service as an operator reads it */
function refusal(err: unknown): never {
  if (err instanceof ClientNamespaceError) throw new CliError(`--permission-namespace: ${err.message}`);
  if (err instanceof ZodError) throw new CliError(err.issues.map((i) => `${i.path.join(".") || "client"}: ${i.message}`).join("\n"));
  throw err;
}

function describe(c: OidcClient, out: (line: string) => void) {
  const v = clientView(c);
  out(`${v.name}  (${v.type}${v.firstParty ? ", first-party" : ""}${v.disabled ? ", disabled" : ""})`);
  out(`client_id:        ${v.id}`);
  out(`grant types:      ${v.grantTypes.join(", ")}`);
  out(`scope:            ${v.scope}`);
  out(`redirect URIs:    ${v.redirectUris.join(" ") || "-"}`);
  out(`post-logout URIs: ${v.postLogoutRedirectUris.join(" ") || "-"}`);
  if (v.resources.length) out(`resources:        ${v.resources.join(" ")}`);
  if (v.backchannelLogoutUri) out(`back-channel:     ${v.backchannelLogoutUri}`);
  if (v.permissionNamespace) out(`permissions:      ${v.permissionNamespace}.*`);
  if (v.idTokenSigningAlg) out(`ID tokens:        ${v.idTokenSigningAlg}`);
  out(`secret:           ${v.hasSecret ? `set${v.secretRotatedAt ? `, rotated ${v.secretRotatedAt}` : ""}` : "none (public client)"}`);
  out(`created:          ${v.createdAt}`);
}

/** the settings the options name (undefined: keep the client's); "none" clears an optional URI or namespace */
function changesFrom(opts: Record<string, unknown>): Partial<ClientEditInput> {
  const orNull = (v: unknown) => (v === undefined ? undefined : v === "none" ? null : String(v));
  const alg = opts.idTokenAlg === undefined ? undefined : opts.idTokenAlg === "default" ? null : opts.idTokenAlg;
  if (alg !== undefined && alg !== null && alg !== "RS256") throw new CliError(`--id-token-alg: RS256 or default, not ${String(alg)}`);
  return {
    name: opts.name as string | undefined,
    redirectUris: opts.redirectUri as string[] | undefined,
    postLogoutRedirectUris: opts.postLogoutRedirectUri as string[] | undefined,
    grantTypes: opts.grantType as ClientEditInput["grantTypes"] | undefined,
    resources: opts.resource as string[] | undefined,
    scope: opts.scope as string | undefined,
    firstParty: opts.firstParty as boolean | undefined,
    backchannelLogoutUri: orNull(opts.backchannelLogoutUri),
    permissionNamespace: orNull(opts.permissionNamespace),
    idTokenSigningAlg: alg as ClientEditInput["idTokenSigningAlg"] | undefined,
    endsWithSession: opts.endsWithSession as boolean | undefined,
    offlineAccessWithoutPrompt: opts.offlineAccessWithoutPrompt as boolean | undefined,
  };
}

export function registerClientCommands(program: Command, out: (line: string) => void) {
  program
    .command("create-client")
    .description("register an OIDC client; prints its client_id and, once, its secret")
    .requiredOption("--name <name>", "display name shown on the consent page")
    .addOption(
      new Option("--type <type>", "confidential (has a secret) or public (SPA, mobile; PKCE only)")
        .choices(["confidential", "public"])
        .default("confidential"),
    )
    .option("--redirect-uri <uri>", "allowed redirect URI (repeatable; exact match)", collect)
    .option("--post-logout-redirect-uri <uri>", "allowed post-logout redirect URI (repeatable)", collect)
    .option("--grant-type <type>", `grant type (repeatable): ${GRANT_TYPES.join(", ")}`, collect)
    .option("--resource <uri>", "resource indicator (API audience) the client may get JWT access tokens for (repeatable)", collect)
    .option("--scope <scope>", "space-separated scopes the client may ask for")
    .option("--first-party", "a client of the same organisation: no consent page")
    .option("--backchannel-logout-uri <uri>", "where Gatehouse sends logout tokens")
    .option(
      "--permission-namespace <ns>",
      "namespace whose permissions the client may register through PUT /api/v1/permissions (e.g. acme.blog; needs client_credentials and the resource ISSUER/api)",
    )
    .option("--ends-with-session", "sign-out (and any end of the session) ends the client's refresh tokens, offline_access too")
    .option(
      "--offline-access-without-prompt",
      "a third-party client gets a refresh token for offline_access without prompt=consent (its user confirms on the consent page; first-party clients always do)",
    )
    .option(
      "--id-token-alg <alg>",
      "RS256: sign this client's ID tokens with RS256, for a relying party that accepts nothing else (default: SIGNING_ALG)",
    )
    .option("--json", "print JSON")
    .action((opts: Record<string, unknown>) =>
      withCliContext(async ({ services }) => {
        const parsed = newClientSchema.safeParse({
          name: opts.name,
          type: opts.type,
          redirectUris: opts.redirectUri ?? [],
          postLogoutRedirectUris: opts.postLogoutRedirectUri ?? [],
          grantTypes: opts.grantType ?? (opts.type === "public" ? ["authorization_code", "refresh_token"] : undefined),
          resources: opts.resource ?? [],
          scope: opts.scope,
          firstParty: Boolean(opts.firstParty),
          backchannelLogoutUri: opts.backchannelLogoutUri ?? null,
          permissionNamespace: opts.permissionNamespace ?? null,
          idTokenSigningAlg: opts.idTokenAlg ?? null,
          endsWithSession: Boolean(opts.endsWithSession),
          offlineAccessWithoutPrompt: Boolean(opts.offlineAccessWithoutPrompt),
        });
        if (!parsed.success) refusal(parsed.error);
        const { client, secret } = await services.clientAdmin.create(parsed.data, ACTOR).catch(refusal);
        if (opts.json)
          return out(
            JSON.stringify({
              client_id: client.id,
              client_secret: secret,
              name: client.name,
              type: client.type,
              redirect_uris: client.redirectUris,
              permission_namespace: client.permissionNamespace,
            }),
          );
        out(`Created ${client.type} client "${client.name}".`);
        out(`client_id:     ${client.id}`);
        if (secret) out(`client_secret: ${secret}   (shown once; only its hash is stored)`);
        if (client.permissionNamespace) out(`permissions:   may register ${client.permissionNamespace}.* through PUT /api/v1/permissions`);
      }),
    );

  const clients = program.command("clients").description("list, show, change, rotate the secret of, or delete registered clients");

  clients
    .command("list")
    .description("every registered client, oldest first")
    .option("--json", "print JSON: { clients }")
    .action((opts: { json?: boolean }) =>
      withCliContext(async ({ services }) => {
        const all = await services.clients.list();
        if (opts.json) return out(JSON.stringify({ clients: all.map(clientView) }));
        if (!all.length) return out("No clients registered.");
        for (const c of all) out(`${c.id}  ${c.type.padEnd(12)}  ${c.disabled ? "disabled  " : ""}${c.name}`);
      }),
    );

  clients
    .command("show")
    .description("one client's settings (never its secret)")
    .argument("<client-id>")
    .option("--json", "print JSON")
    .action((id: string, opts: { json?: boolean }) =>
      withCliContext(async ({ services }) => {
        const client = await services.clients.find(id);
        if (!client) throw refused("client.not_found", id);
        if (opts.json) return out(JSON.stringify(clientView(client)));
        describe(client, out);
      }),
    );

  clients
    .command("update")
    .description("change what the options name; the rest stays as the client has it (list options replace the whole list)")
    .argument("<client-id>")
    .option("--name <name>", "display name")
    .option("--redirect-uri <uri>", "redirect URI (repeatable; replaces the list)", collect)
    .option("--post-logout-redirect-uri <uri>", "post-logout redirect URI (repeatable; replaces the list)", collect)
    .option("--grant-type <type>", `grant type (repeatable; replaces the list): ${GRANT_TYPES.join(", ")}`, collect)
    .option("--resource <uri>", "resource indicator (repeatable; replaces the list)", collect)
    .option("--scope <scope>", "space-separated scopes")
    .option("--first-party", "no consent page")
    .option("--no-first-party", "a third-party client: its users see the consent page")
    .option("--backchannel-logout-uri <uri>", "where logout tokens go; none: no back-channel logout")
    .option("--permission-namespace <ns>", "the namespace it may register permissions in; none: no namespace")
    .option("--ends-with-session", "sign-out ends its refresh tokens")
    .option("--no-ends-with-session", "offline_access outlives the session")
    .option("--offline-access-without-prompt")
    .option("--no-offline-access-without-prompt")
    .option("--id-token-alg <alg>", "RS256, or default (SIGNING_ALG)")
    .option("--json", "print JSON")
    .action((id: string, opts: Record<string, unknown>) =>
      withCliContext(async ({ services }) => {
        const changes = changesFrom(opts);
        if (Object.values(changes).every((v) => v === undefined))
          throw new CliError("nothing to change: name at least one setting (see --help)");
        const result = await services.clientAdmin.update(id, changes, ACTOR).catch(refusal);
        if (result.outcome === "not_found") throw refused("client.not_found", id);
        if (opts.json) return out(JSON.stringify(clientView(result.client)));
        out(`Updated client "${result.client.name}"; running servers use the new settings within 5 s (their client cache).`);
      }),
    );

  clients
    .command("rotate-secret")
    .description("give a confidential client a new secret (printed once); running servers drop the old one within 5 s (their client cache)")
    .argument("<client-id>")
    .option("--json", "print JSON: { clientId, secret }")
    .action((id: string, opts: { json?: boolean }) =>
      withCliContext(async ({ services }) => {
        const result = await services.clientAdmin.rotateSecret(id, ACTOR);
        if (result.outcome === "not_found") throw refused("client.not_found", id);
        if (result.outcome === "public") throw new CliError(`${id}: ${CATALOGUE["client.public"].message}`);
        if (opts.json) return out(JSON.stringify({ clientId: id, secret: result.secret }));
        out(`client_secret: ${result.secret}   (shown once; only its hash is stored)`);
      }),
    );

  clients
    .command("delete")
    .description("delete a client: within 5 s (the servers' client cache) it can no longer sign users in, refresh or authenticate")
    .argument("<client-id>")
    .option("--yes", "confirm (required)")
    .option("--json", "print JSON")
    .action((id: string, opts: { yes?: boolean; json?: boolean }) =>
      withCliContext(async ({ services }) => {
        if (!opts.yes) throw new CliError(`deleting ${id} cannot be undone: run again with --yes`);
        const result = await services.clientAdmin.remove(id, ACTOR);
        if (result.outcome === "not_found") throw refused("client.not_found", id);
        if (opts.json) return out(JSON.stringify({ deleted: id }));
        out(`Deleted client ${id}.`);
      }),
    );
}
