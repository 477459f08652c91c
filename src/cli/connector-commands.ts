// `gatehouse connectors list|create|update|delete|rotate-key|remove-old-keys`: the provider admins' upstream identity providers (#17,
// services/federation/connectors.ts) from the command line, audited with the actor "cli". The client secret is
// read from an environment variable (never an argument: it would sit in the shell history and `ps`) and never
// printed. Every command prints JSON with --json.
import { readFileSync } from "node:fs";
import { Command, Option } from "commander";
import { connectorChangesSchema, newConnectorSchema } from "../services/federation/connector-schemas.ts";
import { connectorView, type ConnectorView } from "../services/federation/connector-view.ts";
import { PRESETS } from "../services/federation/presets.ts";
import { withCliContext, CliError } from "./context.ts";
import { refused } from "./refusals.ts";

const collect = (value: string, previous: string[] = []) => [...previous, value];
const ACTOR = { actorId: "cli", via: "cli" as const };

function secretFrom(name: string | undefined): string | undefined {
  if (!name) return undefined;
  const value = process.env[name];
  if (!value) throw new CliError(`${name}: is empty or not set`);
  return value;
}

/** a file's text (--idp-metadata, --saml-certificate) */
function fileText(path: unknown): string | undefined {
  if (typeof path !== "string") return undefined;
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    throw new CliError(`${path}: ${(err as Error).message}`);
  }
}

function mappingFrom(pairs: string[] | undefined): Record<string, string> | undefined {
  if (!pairs) return undefined;
  return Object.fromEntries(
    pairs.map((p) => {
      const [key, value] = p.split("=", 2);
      if (!key || !value) throw new CliError(`--claim ${p}: write field=claim, e.g. subject=id`);
      return [key, value];
    }),
  );
}

/** the options both create and update know, as the use case's field names (undefined: not given) */
function settingsFrom(opts: Record<string, unknown>) {
  return {
    name: opts.name,
    kind: opts.kind,
    issuer: opts.issuer,
    authorizationEndpoint: opts.authorizationEndpoint,
    tokenEndpoint: opts.tokenEndpoint,
    userinfoEndpoint: opts.userinfoEndpoint,
    emailsEndpoint: opts.emailsEndpoint,
    clientId: opts.clientId,
    clientSecret: secretFrom(opts.clientSecretEnv as string | undefined),
    tokenAuthMethod: opts.tokenAuthMethod,
    scopes: opts.scope,
    claimsMapping: mappingFrom(opts.claim as string[] | undefined),
    trustEmailVerified: opts.trustEmailVerified,
    enabled: opts.enabled,
    idpMetadata: fileText(opts.idpMetadata),
    idpEntityId: opts.idpEntityId,
    samlCertificates: (opts.samlCertificate as string[] | undefined)?.map((f) => fileText(f)!),
  };
}

/** private_key_jwt: where the connector's public keys are (register it at the upstream as jwks_uri) */
const jwksUriOf = (v: ConnectorView, upstream: { jwksUri(slug: string): string }) =>
  v.tokenAuthMethod === "private_key_jwt" ? upstream.jwksUri(v.slug) : null;

function print(v: ConnectorView, redirectUri: string, out: (line: string) => void, jwksUri: string | null = null) {
  out(`${v.name}  (${v.slug}, ${v.kind}${v.preset ? `, preset ${v.preset}` : ""}${v.enabled ? "" : ", disabled"})`);
  out(`id:            ${v.id}`);
  out(
    v.kind === "saml"
      ? `SP metadata:   ${redirectUri}   (give this to the IdP; its URL is our entity id)`
      : `redirect URI:  ${redirectUri}   (register this at the upstream)`,
  );
  if (v.issuer) out(`issuer:        ${v.issuer}`);
  if (v.kind !== "saml") out(`client_id:     ${v.clientId}`);
  if (v.kind !== "saml") out(`scopes:        ${v.scopes.join(" ")}`);
  if (v.kind !== "saml") out(`token auth:    ${v.tokenAuthMethod}`);
  if (jwksUri) out(`JWKS URL:      ${jwksUri}   (private_key_jwt: register this as jwks_uri at the upstream)`);
  for (const k of v.signingKeys)
    out(
      `signing key:   ${k.kid}  ${k.createdAt}${k.current ? "  (signs now)" : k.signsFrom ? `  (published; signs from ${k.signsFrom})` : "  (older, still published)"}`,
    );
}

const withSettings = (cmd: Command) =>
  cmd
    .option("--name <name>", "the button's label")
    .addOption(
      new Option("--kind <kind>", "oidc (discovery), oauth2 (explicit endpoints) or saml (SAML 2.0 IdP)").choices([
        "oidc",
        "oauth2",
        "saml",
      ]),
    )
    .option("--idp-metadata <file>", "saml: the IdP's metadata XML (entity id, sign-on URL, signing certificates)")
    .option("--idp-entity-id <id>", "saml, by hand: the IdP's entity id (with --authorization-endpoint = its HTTP-Redirect SSO URL)")
    .option("--saml-certificate <file>", "saml, by hand: a PEM file of the IdP's signing certificate (repeatable)", collect)
    .option("--issuer <url>", "oidc: the issuer (discovery at issuer/.well-known/openid-configuration)")
    .option("--authorization-endpoint <url>")
    .option("--token-endpoint <url>")
    .option("--userinfo-endpoint <url>")
    .option("--emails-endpoint <url>", "oauth2: a GitHub-shaped list of the user's addresses with verified flags")
    .option("--client-id <id>", "the client id the upstream gave")
    .option("--client-secret-env <name>", "read the client secret from this environment variable")
    .addOption(
      new Option(
        "--token-auth-method <method>",
        "how Gatehouse authenticates at the token endpoint (private_key_jwt: oidc only, no secret; a key pair is made)",
      ).choices(["client_secret_post", "client_secret_basic", "private_key_jwt"]),
    )
    .option("--scope <scope>", "a scope to ask for (repeatable; replaces the list)", collect)
    .option(
      "--claim <field=claim>",
      "claims mapping: subject, email, emailVerified, name, username or groups = the upstream's claim (SAML: attribute), e.g. groups=roles (repeatable)",
      collect,
    )
    .option("--trust-email-verified", "believe the upstream's email_verified")
    .option("--no-trust-email-verified")
    .option("--json", "print JSON");

export function registerConnectorCommands(program: Command, out: (line: string) => void) {
  const connectors = program
    .command("connectors")
    .description(
      "upstream identity providers users may sign in through (Google, Microsoft, GitLab, GitHub, any OpenID Connect, OAuth 2.0 or SAML 2.0 provider)",
    );

  connectors
    .command("list")
    .description("every connector, oldest first (never a secret)")
    .option("--json", "print JSON: { connectors }")
    .action((opts: { json?: boolean }) =>
      withCliContext(async ({ services }) => {
        const all = await services.connectors.list();
        if (opts.json)
          return out(
            JSON.stringify({
              connectors: all.map((c) => ({
                ...connectorView(c),
                redirectUri: services.upstream.redirectUri(c.slug),
                jwksUri: jwksUriOf(connectorView(c), services.upstream),
              })),
            }),
          );
        if (!all.length) return out("No sign-in providers configured.");
        for (const c of all) out(`${c.id}  ${c.slug.padEnd(16)} ${c.kind.padEnd(6)} ${c.enabled ? "" : "disabled  "}${c.name}`);
      }),
    );

  withSettings(
    connectors
      .command("create")
      .description("add a connector; with --preset only --client-id and --client-secret-env are needed (microsoft: also --issuer)")
      .requiredOption("--slug <slug>", "in the callback URL and the idp claim (2-40 lowercase letters, digits, -)")
      .addOption(new Option("--preset <preset>", "fill everything but the client id and secret").choices([...PRESETS]))
      .option("--disabled", "create it disabled (no button yet)"),
  ).action((opts: Record<string, unknown>) =>
    withCliContext(async ({ services }) => {
      const parsed = newConnectorSchema.safeParse({
        ...settingsFrom(opts),
        slug: opts.slug,
        preset: opts.preset,
        enabled: opts.disabled ? false : undefined,
      });
      if (!parsed.success)
        throw new CliError(parsed.error.issues.map((i) => `${i.path.join(".") || "connector"}: ${i.message}`).join("\n"));
      const made = await services.connectors.create(parsed.data, ACTOR);
      if (made.outcome === "invalid") throw new CliError(`${made.field}: ${made.message}`);
      if (made.outcome === "slug_taken") throw new CliError(`--slug: another connector already uses "${String(opts.slug)}"`);
      const v = connectorView(made.connector);
      const saml = v.kind === "saml" ? { spMetadataUrl: services.saml.entityId(v.slug), acsUrl: services.saml.acsUrl(v.slug) } : {};
      if (opts.json)
        return out(
          JSON.stringify({ ...v, redirectUri: services.upstream.redirectUri(v.slug), jwksUri: jwksUriOf(v, services.upstream), ...saml }),
        );
      out(`Created sign-in provider "${v.name}".`);
      print(v, saml.spMetadataUrl ?? services.upstream.redirectUri(v.slug), out, jwksUriOf(v, services.upstream));
    }),
  );

  withSettings(
    connectors
      .command("update")
      .description("change what the options name; the rest (and the secret) stays")
      .argument("<connector-id>")
      .option("--enable", "show its button and accept sign-ins")
      .option("--disable", "hide its button and refuse sign-ins through it"),
  ).action((id: string, opts: Record<string, unknown>) =>
    withCliContext(async ({ services }) => {
      const enabled = opts.enable ? true : opts.disable ? false : undefined;
      const parsed = connectorChangesSchema.safeParse({ ...settingsFrom(opts), enabled });
      if (!parsed.success)
        throw new CliError(parsed.error.issues.map((i) => `${i.path.join(".") || "connector"}: ${i.message}`).join("\n"));
      if (Object.values(parsed.data).every((v) => v === undefined))
        throw new CliError("nothing to change: name at least one setting (see --help)");
      const result = await services.connectors.update(id, parsed.data, ACTOR);
      if (result.outcome === "not_found") throw refused("connector.not_found", id);
      if (result.outcome === "invalid") throw new CliError(`${result.field}: ${result.message}`);
      const v = connectorView(result.connector);
      if (opts.json) return out(JSON.stringify({ ...v, jwksUri: jwksUriOf(v, services.upstream) }));
      out(`Updated sign-in provider "${v.name}".`);
      if (v.tokenAuthMethod === "private_key_jwt") print(v, services.upstream.redirectUri(v.slug), out, jwksUriOf(v, services.upstream));
    }),
  );

  for (const [name, description] of [
    [
      "rotate-key",
      "private_key_jwt: a new key, published now, signing 10 minutes later; the old ones stay published until remove-old-keys",
    ],
    ["remove-old-keys", "private_key_jwt: stop publishing the keys older than the one signing now"],
  ] as const) {
    connectors
      .command(name)
      .description(description)
      .argument("<connector-id>")
      .option("--json", "print JSON")
      .action((id: string, opts: { json?: boolean }) =>
        withCliContext(async ({ services }) => {
          const result =
            name === "rotate-key" ? await services.connectors.rotateKey(id, ACTOR) : await services.connectors.removeOldKeys(id, ACTOR);
          if (result.outcome === "not_found") throw refused("connector.not_found", id);
          if (result.outcome === "invalid") throw new CliError(`${result.field}: ${result.message}`);
          const v = connectorView(result.connector);
          if (opts.json) return out(JSON.stringify({ ...v, jwksUri: jwksUriOf(v, services.upstream) }));
          out(name === "rotate-key" ? `New signing key for "${v.name}".` : `Old signing keys of "${v.name}" removed.`);
          print(v, services.upstream.redirectUri(v.slug), out, jwksUriOf(v, services.upstream));
        }),
      );
  }

  connectors
    .command("delete")
    .description("delete a connector (refused while accounts sign in through it: disable it instead)")
    .argument("<connector-id>")
    .option("--yes", "confirm (required)")
    .option("--json", "print JSON")
    .action((id: string, opts: { yes?: boolean; json?: boolean }) =>
      withCliContext(async ({ services }) => {
        if (!opts.yes) throw new CliError(`deleting ${id} cannot be undone: run again with --yes`);
        const result = await services.connectors.remove(id, ACTOR);
        if (result.outcome === "not_found") throw refused("connector.not_found", id);
        if (result.outcome === "in_use")
          throw new CliError(`${result.linked} account(s) sign in through ${id}: disable it instead (connectors update ${id} --disable)`);
        if (opts.json) return out(JSON.stringify({ deleted: id }));
        out(`Deleted sign-in provider ${id}.`);
      }),
    );
}
