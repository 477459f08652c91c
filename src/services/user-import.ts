// Importing accounts from rows (the CLI reads them from CSV): every row is checked first (email format,
// username pattern, duplicates inside the rows and against the database, the team exists, the team role exists
// and is not Owner), with an error per row and column. Only when every row is valid are they created, all in
// one transaction or none (a dry run stops before that): verified accounts with no password, which their owners
// set through a reset link (`sendResets` emails one to each). Audited: user.created (via "import") per account,
// user.import for the whole run, with the actor.
import { z } from "zod";
import type { Clock } from "../lib/clock.ts";
import type { Queries } from "../queries/index.ts";
import type { ImportedUser } from "../queries/users.ts";
import type { AuditService } from "./audit.ts";
import type { PasswordResetService } from "./password-reset.ts";
import { auditedBy, requestOf, type AdminActor } from "./admin-actor.ts";
import { normalizeEmail, normalizeUsername, USERNAME_PATTERN } from "./identifiers.ts";
import { OWNER_ROLE } from "./team-roles.ts";
import { hasHiddenCharacter, NAME_CHARACTERS_RULE } from "./names.ts";

export const DEFAULT_IMPORT_ROLE = "developer";
export const IMPORT_COLUMNS = ["email", "username", "name", "team", "role"] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];
/** one input row; `line` is where it is in the file (for the report) */
export type ImportRow = { line: number } & Partial<Record<ImportColumn, string>>;
export type ImportRowError = { line: number; column: ImportColumn; reason: string };
export type PlannedUser = {
  line: number;
  email: string;
  username: string;
  name: string | null;
  team: { id: string; slug: string } | null;
  role: { id: string; key: string } | null;
};
export type ImportResult =
  | { outcome: "invalid"; errors: ImportRowError[]; valid: number }
  | { outcome: "dry_run"; users: PlannedUser[] }
  | { outcome: "imported"; users: (PlannedUser & { id: string })[]; resetsSent: number }
  /** every row was valid, but an email or username was taken while importing: nothing was created */
  | { outcome: "conflict"; message: string };

type Deps = {
  queries: Pick<Queries, "users" | "teams">;
  clock: Clock;
  services: { audit: AuditService; passwordReset: PasswordResetService };
};
const emailFormat = z.email().max(320);

export function createUserImport(deps: Deps) {
  const { queries, clock, services } = deps;

  /** checks every row; the planned accounts for the valid ones */
  async function check(rows: ImportRow[]): Promise<{ users: PlannedUser[]; errors: ImportRowError[] }> {
    const errors: ImportRowError[] = [];
    const users: PlannedUser[] = [];
    const seenEmail = new Map<string, number>();
    const seenUsername = new Map<string, number>();
    const teams = new Map<string, Awaited<ReturnType<typeof queries.teams.findBySlug>>>();
    for (const row of rows) {
      const fail = (column: ImportColumn, reason: string) => errors.push({ line: row.line, column, reason });
      const before = errors.length;
      const email = (row.email ?? "").normalize("NFC").trim();
      const username = (row.username?.trim() || email.split("@")[0] || "").normalize("NFC");
      const name = row.name?.normalize("NFC").trim() || null;
      if (!email) fail("email", "is empty");
      else if (!emailFormat.safeParse(email).success) fail("email", `"${email}" is not a valid email address`);
      else {
        const key = normalizeEmail(email);
        const earlier = seenEmail.get(key);
        if (earlier !== undefined) fail("email", `${email} is also on line ${earlier}`);
        else if (await queries.users.findByEmailNormalized(key)) fail("email", `an account with ${email} exists`);
        seenEmail.set(key, earlier ?? row.line);
      }
      if (!USERNAME_PATTERN.test(username)) {
        if (email)
          fail("username", `"${username}"${row.username?.trim() ? "" : " (from the email)"} must be 3-32 letters, digits, ".", "_" or "-"`);
      } else {
        const key = normalizeUsername(username);
        const earlier = seenUsername.get(key);
        if (earlier !== undefined) fail("username", `${username} is also on line ${earlier}`);
        else if (await queries.users.findByUsernameNormalized(key)) fail("username", `the username ${username} is taken`);
        seenUsername.set(key, earlier ?? row.line);
      }
      if (row.name && hasHiddenCharacter(row.name)) fail("name", NAME_CHARACTERS_RULE);
      else if (name && name.length > 100) fail("name", "has more than 100 characters");
      const slug = row.team?.trim().toLowerCase() || null;
      const roleKey = row.role?.trim() || null;
      let team: PlannedUser["team"] = null;
      let role: PlannedUser["role"] = null;
      if (!slug) {
        if (roleKey) fail("role", "a role needs a team (the team column is empty)");
      } else {
        if (!teams.has(slug)) teams.set(slug, await queries.teams.findBySlug(slug));
        const found = teams.get(slug);
        if (!found) fail("team", `no team with the slug "${slug}"`);
        else {
          team = { id: found.id, slug: found.slug };
          const key = roleKey ?? DEFAULT_IMPORT_ROLE;
          const teamRole = key === OWNER_ROLE ? null : await queries.teams.roleByKey(found.id, key);
          if (key === OWNER_ROLE) fail("role", "a team has exactly one Owner; import members with another role");
          else if (!teamRole) fail("role", `team ${found.slug} has no role "${key}"`);
          else role = { id: teamRole.id, key: teamRole.key };
        }
      }
      if (errors.length === before) users.push({ line: row.line, email, username, name, team, role });
    }
    return { users, errors };
  }

  return {
    check,

    /** checks, then (unless a dry run, and only when every row is valid) creates all the accounts or none */
    async run(rows: ImportRow[], opts: { dryRun: boolean; sendResets: boolean }, actor: AdminActor): Promise<ImportResult> {
      const audit = (outcome: "success" | "failure", data: Record<string, string | number | boolean>) =>
        services.audit.record({
          type: "user.import",
          outcome,
          ...auditedBy(actor),
          data: { rows: rows.length, dryRun: opts.dryRun, ...data },
        });
      const { users, errors } = await check(rows);
      if (errors.length) {
        await audit("failure", { reason: "invalid_rows", invalid: new Set(errors.map((e) => e.line)).size });
        return { outcome: "invalid", errors, valid: users.length };
      }
      if (opts.dryRun) {
        await audit("success", { created: 0 });
        return { outcome: "dry_run", users };
      }
      const data: ImportedUser[] = users.map((u) => ({
        email: u.email,
        emailNormalized: normalizeEmail(u.email),
        username: u.username,
        usernameNormalized: normalizeUsername(u.username),
        name: u.name,
        membership: u.team && u.role ? { teamId: u.team.id, roleId: u.role.id } : null,
      }));
      let created: { id: string }[];
      try {
        created = await queries.users.createImported(data, clock.now());
      } catch (err) {
        if ((err as { code?: string }).code !== "P2002") throw err;
        await audit("failure", { reason: "conflict" });
        return {
          outcome: "conflict",
          message: "An email address or username was taken while importing; nothing was imported. Run the import again to see which.",
        };
      }
      const imported = users.map((u, i) => ({ ...u, id: created[i]!.id }));
      for (const u of imported) {
        await services.audit.record({
          type: "user.created",
          outcome: "success",
          userId: u.id,
          ...auditedBy(actor),
          data: { via: "import", line: u.line, team: u.team?.slug ?? null, role: u.role?.key ?? null },
        });
      }
      let resetsSent = 0;
      if (opts.sendResets) {
        for (const u of imported) {
          const sent = await services.passwordReset.request(u.email, requestOf(actor));
          await services.audit.record({
            type: "user.password_reset_sent",
            outcome: sent ? "success" : "failure",
            userId: u.id,
            ...auditedBy(actor),
            data: { via: "import" },
          });
          if (sent) resetsSent++;
        }
      }
      await audit("success", { created: imported.length, resetsSent });
      return { outcome: "imported", users: imported, resetsSent };
    },
  };
}

export type UserImport = ReturnType<typeof createUserImport>;
