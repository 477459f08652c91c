// The `gatehouse` commands. Each prints what an operator needs and nothing secret beyond what it creates
// (a generated password or client secret is printed exactly once).
import { Command, Option } from "commander";
import { z } from "zod";
import { randomToken } from "../lib/crypto.ts";
import { normalizeEmail, USERNAME_PATTERN } from "../services/identifiers.ts";
import { ClientNamespaceError, GRANT_TYPES, newClientSchema } from "../services/clients.ts";
import { withCliContext, CliError } from "./context.ts";
import { registerUserCommands } from "./user-commands.ts";
import { registerOutboxCommands } from "./outbox-commands.ts";

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function buildCli(out: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Command {
  const program = new Command("gatehouse").description("Gatehouse identity provider: operator commands").showHelpAfterError();

  program.command("migrate").description("apply pending database migrations (DATABASE_URL, or the embedded development database)")
    .action(() => withCliContext(async ({ db }) => {
      out(db.appliedMigrations.length ? `Applied ${db.appliedMigrations.length} migration(s): ${db.appliedMigrations.join(", ")}` : "Database is up to date.");
    }));

  program.command("create-admin").description("create a verified account with the Super Admin system role")
    .requiredOption("--email <email>", "the admin's email address")
    .option("--username <username>", "username (default: the email's local part)")
    .option("--password-env <name>", "read the password from this environment variable instead of generating one")
    .action((opts: { email: string; username?: string; passwordEnv?: string }) => withCliContext(async ({ services }) => {
      const email = z.email("not a valid email address").safeParse(opts.email.trim());
      if (!email.success) throw new CliError(`--email: ${email.error.issues[0]!.message}`);
      const given = opts.passwordEnv ? process.env[opts.passwordEnv] : undefined;
      if (opts.passwordEnv && !given) throw new CliError(`${opts.passwordEnv}: is empty or not set`);
      if (await services.accounts.findByIdentifier(normalizeEmail(email.data))) throw new CliError(`an account with ${email.data} already exists`);
      const password = given ?? randomToken(18);
      const username = opts.username ?? email.data.split("@")[0]!;
      if (!USERNAME_PATTERN.test(username)) throw new CliError(`--username: "${username}" must be 3-32 letters, digits, ".", "_" or "-"`);
      if (await services.accounts.findByIdentifier(username)) throw new CliError(`the username ${username} is taken; choose one with --username`);
      if (given) {
        const verdict = services.passwordPolicy.check(given, { email: email.data, username });
        if (!verdict.ok) throw new CliError(`${opts.passwordEnv}: ${verdict.message}`);
      }
      const user = await services.accounts.createAdmin({ email: email.data, username, password });
      await services.audit.record({ type: "user.created", outcome: "success", userId: user.id, actorId: "cli", data: { systemRole: user.systemRole } });
      out(`Created admin ${user.email} (username ${user.username}, id ${user.id}).`);
      if (!given) out(`Password (shown once, change it after signing in): ${password}`);
    }));

  program.command("create-client").description("register an OIDC client; prints its client_id and, once, its secret")
    .requiredOption("--name <name>", "display name shown on the consent page")
    .addOption(new Option("--type <type>", "confidential (has a secret) or public (SPA, mobile; PKCE only)").choices(["confidential", "public"]).default("confidential"))
    .option("--redirect-uri <uri>", "allowed redirect URI (repeatable; exact match)", collect)
    .option("--post-logout-redirect-uri <uri>", "allowed post-logout redirect URI (repeatable)", collect)
    .option("--grant-type <type>", `grant type (repeatable): ${GRANT_TYPES.join(", ")}`, collect)
    .option("--resource <uri>", "resource indicator (API audience) the client may get JWT access tokens for (repeatable)", collect)
    .option("--scope <scope>", "space-separated scopes the client may ask for")
    .option("--first-party", "a client of the same organisation: no consent page")
    .option("--backchannel-logout-uri <uri>", "where Gatehouse sends logout tokens")
    .option("--permission-namespace <ns>", "namespace whose permissions the client may register through PUT /api/v1/permissions (e.g. acme.blog; needs client_credentials and the resource ISSUER/api)")
    .option("--ends-with-session", "sign-out (and any end of the session) ends the client's refresh tokens, offline_access too")
    .option("--offline-access-without-prompt", "a third-party client gets a refresh token for offline_access without prompt=consent (its user confirms on the consent page; first-party clients always do)")
    .option("--id-token-alg <alg>", "RS256: sign this client's ID tokens with RS256, for a relying party that accepts nothing else (default: SIGNING_ALG)")
    .option("--json", "print JSON")
    .action((opts: Record<string, unknown>) => withCliContext(async ({ services }) => {
      const parsed = newClientSchema.safeParse({
        name: opts.name, type: opts.type,
        redirectUris: opts.redirectUri ?? [], postLogoutRedirectUris: opts.postLogoutRedirectUri ?? [],
        grantTypes: opts.grantType ?? (opts.type === "public" ? ["authorization_code", "refresh_token"] : undefined),
        resources: opts.resource ?? [], scope: opts.scope, firstParty: Boolean(opts.firstParty),
        backchannelLogoutUri: opts.backchannelLogoutUri ?? null,
        permissionNamespace: opts.permissionNamespace ?? null,
        idTokenSigningAlg: opts.idTokenAlg ?? null,
        endsWithSession: Boolean(opts.endsWithSession),
        offlineAccessWithoutPrompt: Boolean(opts.offlineAccessWithoutPrompt),
      });
      if (!parsed.success) throw new CliError(parsed.error.issues.map((i) => `${i.path.join(".") || "client"}: ${i.message}`).join("\n"));
      const { client, secret } = await services.clientAdmin.create(parsed.data, { actorId: "cli", via: "cli" }).catch((err: unknown) => {
        throw err instanceof ClientNamespaceError ? new CliError(`--permission-namespace: ${err.message}`) : err;
      });
      if (opts.json) return out(JSON.stringify({ client_id: client.id, client_secret: secret, name: client.name, type: client.type, redirect_uris: client.redirectUris, permission_namespace: client.permissionNamespace }));
      out(`Created ${client.type} client "${client.name}".`);
      out(`client_id:     ${client.id}`);
      if (secret) out(`client_secret: ${secret}   (shown once; only its hash is stored)`);
      if (client.permissionNamespace) out(`permissions:   may register ${client.permissionNamespace}.* through PUT /api/v1/permissions`);
    }));

  program.command("rotate-keys").description("promote the next signing key, keep the old one published until its tokens expire, and create a new next key")
    .action(() => withCliContext(async ({ services }) => {
      const { current } = await services.keyRotation.rotate({ actorId: "cli" }, "cli");
      out(`Signing key ${current} is now current. Running servers pick it up within KEY_REFRESH_SECONDS.`);
      for (const k of await services.keys.list()) out(`  ${k.id}  ${k.alg}  ${k.state}${k.retireAfter ? `  (published until ${k.retireAfter.toISOString()})` : ""}`);
    }));

  program.command("unlock-user").description("clear a sign-in lockout (needs REDIS_URL: locks live in Redis)")
    .argument("<email-or-username>", "the account")
    .action((identifier: string) => withCliContext(async ({ services, embeddedRedis }) => {
      if (embeddedRedis) throw new CliError("REDIS_URL is not set: without it, locks live inside the running server's memory, which this command cannot reach (restarting the server clears them)");
      const user = await services.accounts.findByIdentifier(identifier);
      if (!user) throw new CliError(`no account for ${identifier}`);
      await services.lockout.reset({ userId: user.id });
      await services.audit.record({ type: "lockout.cleared", outcome: "success", userId: user.id, actorId: "cli" });
      out(`Unlocked ${user.email}.`);
    }));

  program.command("invite-admin").description("email an administrator invitation (the invitee registers at /admin-register or accepts while signed in)")
    .requiredOption("--email <email>", "who to invite")
    .requiredOption("--as <email-or-username>", "the inviting administrator (their system role must allow gatehouse.admin.invitations.manage)")
    .option("--role <key>", "the system role to give", "super_admin")
    .action((opts: { email: string; as: string; role: string }) => withCliContext(async ({ services }) => {
      const inviter = await services.accounts.findByIdentifier(opts.as);
      if (!inviter) throw new CliError(`--as: no account for ${opts.as}`);
      const result = await services.invitations.inviteAdmin(inviter.id, { email: opts.email, systemRole: opts.role });
      if (result.outcome !== "sent") throw new CliError("message" in result ? result.message : `the invitation was refused (${result.outcome})`);
      out(`Invited ${opts.email} as ${opts.role}; the link was emailed and works for 7 days by default (INVITATION_TTL).`);
    }));

  program.command("list-keys").description("list signing keys and their states")
    .action(() => withCliContext(async ({ services }) => {
      for (const k of await services.keys.list()) out(`${k.id}  ${k.alg}  ${k.state}  created ${k.createdAt.toISOString()}`);
    }));

  registerUserCommands(program, out);
  registerOutboxCommands(program, out);

  return program;
}
