// The operators' passkey commands: list-passkeys and remove-passkey, for an account named by email, username or
// id. Both go through services.userAdmin with the actor "cli" (the same use case as the admin page and
// DELETE /api/v1/users/:id/passkeys/:passkeyId): removal is audited as passkey.removed (via cli) and emailed.
import type { Command } from "commander";
import { CATALOGUE } from "../lib/error-catalogue.ts";
import { withCliContext, CliError, type CliContext } from "./context.ts";
import { noSuchUser } from "./refusals.ts";

const CLI = { actorId: "cli", via: "cli" } as const;

async function userId(services: CliContext["services"], identifier: string): Promise<{ id: string; email: string }> {
  const user = await services.userAdmin.find(identifier);
  if (!user) throw noSuchUser(identifier);
  return user;
}

export function registerPasskeyCommands(program: Command, out: (line: string) => void): void {
  program
    .command("list-passkeys")
    .description("list an account's passkeys and security keys (never the keys themselves)")
    .argument("<user>", "email, username or id")
    .option("--json", "print JSON: { passkeys }")
    .action((identifier: string, opts: { json?: boolean }) =>
      withCliContext(async ({ services }) => {
        const user = await userId(services, identifier);
        const result = await services.userAdmin.passkeys(user.id);
        if (result.outcome !== "ok") throw noSuchUser(identifier);
        if (opts.json) return out(JSON.stringify({ passkeys: result.passkeys }));
        if (!result.passkeys.length) return out(`${user.email} has no passkeys.`);
        for (const p of result.passkeys) {
          out(
            `${p.id}  ${p.name}  ${p.kind === "hwk" ? "security key" : "passkey"}  added ${p.createdAt.toISOString()}  last used ${p.lastUsedAt?.toISOString() ?? "never"}`,
          );
        }
      }),
    );

  program
    .command("remove-passkey")
    .description("remove one of an account's passkeys (the owner is emailed)")
    .argument("<user>", "email, username or id")
    .argument("<passkey>", "the passkey's id (list-passkeys shows it)")
    .action((identifier: string, passkeyId: string) =>
      withCliContext(async ({ services }) => {
        const user = await userId(services, identifier);
        const result = await services.userAdmin.removePasskey(user.id, passkeyId, CLI);
        if (result.outcome === "passkey_not_found") throw new CliError(`${user.email}: ${CATALOGUE["passkey.not_found"].message}`);
        if (result.outcome !== "removed")
          throw result.outcome === "not_found"
            ? noSuchUser(identifier)
            : new CliError(`${user.email}: ${CATALOGUE["user.outranked"].message}`);
        out(`Removed the passkey "${result.passkey.name}" of ${user.email}; they were told by email.`);
      }),
    );
}
