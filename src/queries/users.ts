// User rows: the only Prisma access for users.
import type { PrismaClient, Prisma, User } from "../generated/prisma/client.ts";
import type { Sql } from "../db/sql.ts";
import { UUID } from "../lib/ids.ts";
import { MFA_REQUIRED_BY_SQL } from "./mfa-requirements.ts";

export type { User };

/**
 * a user row with what the sign-in decides on besides it, read in the same statement (findForSignIn): whether a
 * passkey is registered (a second factor beside TOTP) and why a second factor is required (an administrator's
 * "require MFA" on the system role or a team; empty: nothing requires one)
 */
export type SignInUser = User & { hasPasskey: boolean; mfaRequiredBy: string[] };
export const isSignInUser = (user: User): user is SignInUser => "hasPasskey" in user && "mfaRequiredBy" in user;

/** what the admin area may show about a user: no password hash, no TOTP secret */
export const SAFE_USER_FIELDS = {
  id: true,
  email: true,
  username: true,
  name: true,
  emailVerified: true,
  disabled: true,
  disabledAt: true,
  systemRole: true,
  lastLoginAt: true,
  createdAt: true,
  totpEnabledAt: true,
  passwordChangedAt: true,
} as const satisfies Prisma.UserSelect;
export type SafeUser = Prisma.UserGetPayload<{ select: typeof SAFE_USER_FIELDS }>;

/** the admin search: `query` (already lower-cased) is contained in the normalized email or username */
export type UserSearch = { query?: string; teamId?: string; disabled?: boolean; after?: { createdAt: Date; id: string }; take: number };

export type NewUser = {
  email: string;
  emailNormalized: string;
  username: string;
  usernameNormalized: string;
  passwordHash: string;
  emailVerified: boolean;
  systemRole?: string | null;
  name?: string | null;
  locale?: string | null;
};

/** a new account, inside the caller's transaction (a registration's) or not; the first password starts the history (a later change may not repeat it) */
export const insertUser = (db: Prisma.TransactionClient, data: NewUser) =>
  db.user.create({
    data: {
      ...data,
      emailVerifiedAt: data.emailVerified ? new Date() : null,
      passwordHistory: { create: { passwordHash: data.passwordHash } },
    },
  });

/** an imported account: verified, no password (its owner sets one through a reset link), maybe a membership */
export type ImportedUser = {
  email: string;
  emailNormalized: string;
  username: string;
  usernameNormalized: string;
  name: string | null;
  membership: { teamId: string; roleId: string } | null;
};

/** every column of a user row, named as Prisma names them (the sign-in's lookups run as plain prepared SQL) */
const USER_COLUMNS = `id, email, email_normalized AS "emailNormalized", email_verified AS "emailVerified", email_verified_at AS "emailVerifiedAt",
  username, username_normalized AS "usernameNormalized", name, password_hash AS "passwordHash", password_changed_at AS "passwordChangedAt",
  disabled, disabled_at AS "disabledAt", system_role AS "systemRole", last_login_at AS "lastLoginAt", created_at AS "createdAt",
  updated_at AS "updatedAt", totp_secret_encrypted AS "totpSecretEncrypted", totp_enabled_at AS "totpEnabledAt", deletion_due_at AS "deletionDueAt",
  locale, time_zone AS "timeZone"`;

const SIGN_IN_COLUMNS = `${USER_COLUMNS}, EXISTS (SELECT 1 FROM passkeys p WHERE p.user_id = users.id) AS "hasPasskey",
  ${MFA_REQUIRED_BY_SQL("users")} AS "mfaRequiredBy"`;
const SIGN_IN_BY = { id: "id", email: "email_normalized", username: "username_normalized" } as const;

export function createUserQueries(db: PrismaClient, sql: Sql) {
  const one = async (name: string, column: string, value: string): Promise<User | null> =>
    (await sql.rows<User>(name, `SELECT ${USER_COLUMNS} FROM users WHERE ${column} = $1`, [value]))[0] ?? null;
  return {
    /** the account a sign-in names (by id: only a UUID can match), with its sign-in facts in the same statement */
    findForSignIn: async (by: keyof typeof SIGN_IN_BY, value: string): Promise<SignInUser | null> =>
      by === "id" && !UUID.test(value)
        ? null
        : ((
            await sql.rows<SignInUser>(`user-for-sign-in-by-${by}`, `SELECT ${SIGN_IN_COLUMNS} FROM users WHERE ${SIGN_IN_BY[by]} = $1`, [
              value,
            ])
          )[0] ?? null),
    // by id only a UUID can match (the column is uuid: anything else would be a Postgres error, not "none")
    findById: (id: string) => (UUID.test(id) ? one("user-by-id", "id", id) : Promise.resolve(null)),
    findByEmailNormalized: (emailNormalized: string) => one("user-by-email", "email_normalized", emailNormalized),
    findByUsernameNormalized: (usernameNormalized: string) => one("user-by-username", "username_normalized", usernameNormalized),
    create: (data: NewUser) => insertUser(db, data),
    /** bulk insert (imports, benchmark seeding); existing emails or usernames are skipped */
    createMany: (
      rows: {
        email: string;
        emailNormalized: string;
        username: string;
        usernameNormalized: string;
        passwordHash: string;
        emailVerified: boolean;
      }[],
    ) =>
      db.user.createMany({ data: rows.map((r) => ({ ...r, emailVerifiedAt: r.emailVerified ? new Date() : null })), skipDuplicates: true }),
    updatePasswordHash: (id: string, passwordHash: string) => db.user.update({ where: { id }, data: { passwordHash } }),
    updateProfile: (id: string, data: { name?: string | null; locale?: string | null; timeZone?: string | null }) =>
      db.user.update({ where: { id }, data }),
    countWithSystemRole: () => db.user.count({ where: { systemRole: { not: null } } }),
    /** newest first (created_at, then id, descending); `after` is the last row of the previous page */
    search: (s: UserSearch): Promise<SafeUser[]> => {
      const where: Prisma.UserWhereInput[] = [];
      // Prisma hands `contains` to LIKE as is: the wildcards and the escape character are plain characters here
      const text = s.query?.replace(/[\\%_]/g, "\\$&");
      if (text) where.push({ OR: [{ emailNormalized: { contains: text } }, { usernameNormalized: { contains: text } }] });
      if (s.teamId) where.push({ memberships: { some: { teamId: s.teamId } } });
      if (s.disabled !== undefined) where.push({ disabled: s.disabled });
      if (s.after) where.push({ OR: [{ createdAt: { lt: s.after.createdAt } }, { createdAt: s.after.createdAt, id: { lt: s.after.id } }] });
      return db.user.findMany({
        where: { AND: where },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        take: s.take,
        select: SAFE_USER_FIELDS,
      });
    },
    findSafe: (id: string): Promise<SafeUser | null> => db.user.findUnique({ where: { id }, select: SAFE_USER_FIELDS }),
    /**
     * disables or enables the account. Under the system-role lock (as setUserSystemRole), so parallel disables
     * and demotions cannot leave no active `keepRole` holder: "last" when this user is the only one
     */
    setDisabled: (userId: string, disabled: boolean, at: Date, keepRole: string) =>
      db.$transaction(async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(4711002)`;
        const user = await tx.user.findUnique({ where: { id: userId }, select: { systemRole: true, disabled: true, deletionDueAt: true } });
        if (!user) return { outcome: "not_found" as const };
        if (disabled && user.disabled && user.deletionDueAt) {
          // disabled while its deletion waits out the grace period: an admin disabling it too takes the emailed
          // restore link away, so the owner cannot undo the admin's disable (the deletion still happens when due)
          const revoked = await tx.accountRestoreToken.deleteMany({ where: { userId } });
          return { outcome: revoked.count ? ("updated" as const) : ("unchanged" as const) };
        }
        if (user.disabled === disabled) return { outcome: "unchanged" as const };
        if (
          disabled &&
          user.systemRole === keepRole &&
          !(await tx.user.count({ where: { systemRole: keepRole, disabled: false, id: { not: userId } } }))
        ) {
          return { outcome: "last" as const };
        }
        // enabling an account pending deletion (services/account-deletion.ts) calls the deletion off
        await tx.user.update({
          where: { id: userId },
          data: { disabled, disabledAt: disabled ? at : null, ...(disabled ? {} : { deletionDueAt: null }) },
        });
        return { outcome: "updated" as const };
      }),
    /** all rows or none (one transaction); a unique email or username taken meanwhile throws P2002 */
    createImported: (rows: ImportedUser[], at: Date) =>
      db.$transaction(
        async (tx) => {
          const created: { id: string; email: string; username: string }[] = [];
          for (const { membership, ...r } of rows) {
            created.push(
              await tx.user.create({
                data: {
                  ...r,
                  passwordHash: null,
                  emailVerified: true,
                  emailVerifiedAt: at,
                  ...(membership ? { memberships: { create: membership } } : {}),
                },
                select: { id: true, email: true, username: true },
              }),
            );
          }
          return created;
        },
        { timeout: 60_000 },
      ),
  };
}

export type UserQueries = ReturnType<typeof createUserQueries>;
