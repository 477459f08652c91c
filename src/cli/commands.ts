// The `gatehouse` commands. Each prints what an operator needs and nothing secret beyond what it creates
// (a generated password or client secret is printed exactly once).
import { Command } from "commander";
import { z } from "zod";
import { randomToken } from "../lib/crypto.ts";
import { normalizeEmail, USERNAME_PATTERN } from "../services/identifiers.ts";
import { withCliContext, CliError } from "./context.ts";
import { noSuchUser } from "./refusals.ts";
import { registerUserCommands } from "./user-commands.ts";
import { registerOutboxCommands } from "./outbox-commands.ts";
import { registerWebhookCommands } from "./webhook-commands.ts";
import { registerPasskeyCommands } from "./passkey-commands.ts";
import { registerMfaCommands } from "./mfa-commands.ts";
import { registerVirtuozzoCommands } from "./virtuozzo-commands.ts";
import { registerRetentionCommands } from "./retention-commands.ts";
import { registerClientCommands } from "./client-commands.ts";
import { registerConnectorCommands } from "./connector-commands.ts";
import { registerTeamSsoCommands } from "./team-sso-commands.ts";
import { registerConfigCommands } from "./config-commands.ts";
import { registerBrandingCommands } from "./branding-commands.ts";
import { packageVersion } from "./version.ts";

type ListedKey = { id: string; alg: string; state: string; createdAt: Date; retireAfter: Date | null };
const keyView = (k: ListedKey) => ({
  id: k.id,
  alg: k.alg,
  state: k.state,
  createdAt: k.createdAt.toISOString(),
  retireAfter: k.retireAfter?.toISOString() ?? null,
});

export function buildCli(out: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Command {
  const program = new Command("gatehouse")
    .description("Gatehouse identity provider: operator commands")
    .showHelpAfterError()
    .version(packageVersion(), "-V, --version", "print the Gatehouse version");

  program
    .command("migrate")
    .description("apply pending database migrations (DATABASE_URL, or the embedded development database)")
    .option("--json", "print JSON: { applied }")
    .action((opts: { json?: boolean }) =>
      withCliContext(async ({ db }) => {
        if (opts.json) return out(JSON.stringify({ applied: db.appliedMigrations }));
        out(
          db.appliedMigrations.length
            ? `Applied ${db.appliedMigrations.length} migration(s): ${db.appliedMigrations.join(", ")}`
            : "Database is up to date.",
        );
      }),
    );

  program
    .command("create-admin")
    .description("create a verified account with the Super Admin system role")
    .requiredOption("--email <email>", "the admin's email address")
    .option("--username <username>", "username (default: the email's local part)")
    .option("--password-env <name>", "read the password from this environment variable instead of generating one")
    .option("--json", "print JSON: { id, email, username, password } (password only when generated)")
    .action((opts: { email: string; username?: string; passwordEnv?: string; json?: boolean }) =>
      withCliContext(async ({ services }) => {
        const email = z.email("not a valid email address").safeParse(opts.email.trim());
        if (!email.success) throw new CliError(`--email: ${email.error.issues[0]!.message}`);
        const given = opts.passwordEnv ? process.env[opts.passwordEnv] : undefined;
        if (opts.passwordEnv && !given) throw new CliError(`${opts.passwordEnv}: is empty or not set`);
        if (await services.accounts.findByIdentifier(normalizeEmail(email.data)))
          throw new CliError(`an account with ${email.data} already exists`);
        const password = given ?? randomToken(18);
        const username = opts.username ?? email.data.split("@")[0]!;
        if (!USERNAME_PATTERN.test(username)) throw new CliError(`--username: "${username}" must be 3-32 letters, digits, ".", "_" or "-"`);
        if (await services.accounts.findByIdentifier(username))
          throw new CliError(`the username ${username} is taken; choose one with --username`);
        if (given) {
          const verdict = await services.passwordPolicy.check(given, { email: email.data, username });
          if (!verdict.ok) throw new CliError(`${opts.passwordEnv}: ${verdict.message}`);
        }
        const user = await services.accounts.createAdmin({ email: email.data, username, password });
        await services.audit.record({
          type: "user.created",
          outcome: "success",
          userId: user.id,
          actorId: "cli",
          data: { systemRole: user.systemRole },
        });
        if (opts.json)
          return out(JSON.stringify({ id: user.id, email: user.email, username: user.username, ...(given ? {} : { password }) }));
        out(`Created admin ${user.email} (username ${user.username}, id ${user.id}).`);
        if (!given) out(`Password (shown once, change it after signing in): ${password}`);
      }),
    );

  program
    .command("rotate-keys")
    .description("promote the next signing key, keep the old one published until its tokens expire, and create a new next key")
    .option("--json", "print JSON: { current, keys }")
    .action((opts: { json?: boolean }) =>
      withCliContext(async ({ services }) => {
        const { current } = await services.keyRotation.rotate({ actorId: "cli" }, "cli");
        if (opts.json) return out(JSON.stringify({ current, keys: (await services.keys.list()).map(keyView) }));
        out(`Signing key ${current} is now current. Running servers pick it up within KEY_REFRESH_SECONDS.`);
        for (const k of await services.keys.list())
          out(`  ${k.id}  ${k.alg}  ${k.state}${k.retireAfter ? `  (published until ${k.retireAfter.toISOString()})` : ""}`);
      }),
    );

  program
    .command("unlock-user")
    .description("clear a sign-in lockout (needs REDIS_URL: locks live in Redis)")
    .argument("<email-or-username>", "the account")
    .option("--json", "print JSON: { unlocked }")
    .action((identifier: string, opts: { json?: boolean }) =>
      withCliContext(async ({ services, embeddedRedis }) => {
        if (embeddedRedis)
          throw new CliError(
            "REDIS_URL is not set: without it, locks live inside the running server's memory, which this command cannot reach (restarting the server clears them)",
          );
        const user = await services.accounts.findByIdentifier(identifier);
        if (!user) throw noSuchUser(identifier);
        await services.lockout.reset({ userId: user.id });
        await services.audit.record({ type: "lockout.cleared", outcome: "success", userId: user.id, actorId: "cli" });
        if (opts.json) return out(JSON.stringify({ unlocked: user.id }));
        out(`Unlocked ${user.email}.`);
      }),
    );

  program
    .command("invite-admin")
    .description("email an administrator invitation (the invitee registers at /admin-register or accepts while signed in)")
    .requiredOption("--email <email>", "who to invite")
    .requiredOption(
      "--as <email-or-username>",
      "the inviting administrator (their system role must allow gatehouse.admin.invitations.manage)",
    )
    .option("--role <key>", "the system role to give", "super_admin")
    .option("--json", "print JSON: { invited, role }")
    .action((opts: { email: string; as: string; role: string; json?: boolean }) =>
      withCliContext(async ({ services }) => {
        const inviter = await services.accounts.findByIdentifier(opts.as);
        if (!inviter) throw noSuchUser(`--as ${opts.as}`);
        const result = await services.invitations.inviteAdmin(inviter.id, { email: opts.email, systemRole: opts.role });
        if (result.outcome !== "sent")
          throw new CliError("message" in result ? result.message : `the invitation was refused (${result.outcome})`);
        if (opts.json) return out(JSON.stringify({ invited: opts.email, role: opts.role }));
        out(`Invited ${opts.email} as ${opts.role}; the link was emailed and works for 7 days by default (INVITATION_TTL).`);
      }),
    );

  program
    .command("list-keys")
    .description("list signing keys and their states")
    .option("--json", "print JSON: { keys }")
    .action((opts: { json?: boolean }) =>
      withCliContext(async ({ services }) => {
        if (opts.json) return out(JSON.stringify({ keys: (await services.keys.list()).map(keyView) }));
        for (const k of await services.keys.list()) out(`${k.id}  ${k.alg}  ${k.state}  created ${k.createdAt.toISOString()}`);
      }),
    );

  registerClientCommands(program, out);
  registerConnectorCommands(program, out);
  registerTeamSsoCommands(program, out);
  registerUserCommands(program, out);
  registerOutboxCommands(program, out);
  registerWebhookCommands(program, out);
  registerPasskeyCommands(program, out);
  registerMfaCommands(program, out);
  registerVirtuozzoCommands(program, out);
  registerRetentionCommands(program, out);
  registerConfigCommands(program, out);
  registerBrandingCommands(program, out);

  return program;
}
