// The "last way in" checks under a race (queries/passkeys.ts): removing the password and removing the last passkey
// at the same moment, or the two last passkeys of an account without a password at once, must leave a way in. Each
// change locks the user's row first, so they run one after the other. To make "at the same moment" certain, the
// test holds that row lock itself, starts both changes, waits until both are queued behind it (in Postgres), and
// lets go: without the lock in the changes, both would pass their checks against the same state.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { SoftAuthenticator } from "../helpers/soft-authenticator.ts";

describe("the last way in, under a race", { timeout: 60_000 }, () => {
  let t: TestApp;
  const request = { ip: "198.51.100.9", userAgent: "Race/1.0" };

  beforeAll(async () => {
    t = await startTestApp({}, { hostname: "localhost" });
  });
  afterAll(async () => {
    await t?.close();
  });

  const fresh = async (id: string) => (await t.app.queries.users.findById(id))!;

  async function addPasskey(userId: string, name: string) {
    const auth = new SoftAuthenticator({ origin: t.url, rpId: "localhost" }, { attachment: "platform", transports: ["internal"] });
    const options = await t.app.services.passkeys.registration.begin(await fresh(userId), `race-${name}`, name);
    const added = await t.app.services.passkeys.registration.finish(
      await fresh(userId),
      `race-${name}`,
      JSON.stringify(auth.create(options)),
      request,
    );
    expect(added.outcome).toBe("added");
    return added.outcome === "added" ? added.passkey.id : "";
  }

  /** runs `changes` while this test holds the user's row lock, releasing it once `waiting` of them queue behind it */
  async function behindTheRowLock<T>(userId: string, waiting: number, changes: () => Promise<T>[]): Promise<T[]> {
    let started: Promise<T[]> | undefined;
    let queued = 0;
    await t.app.db.prisma.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT id FROM users WHERE id = ${userId}::uuid FOR UPDATE`;
        started = Promise.all(changes());
        started.catch(() => undefined);
        // (a loaded machine can take a few seconds to get both there)
        for (let i = 0; i < 500 && queued < waiting; i++) {
          await new Promise((r) => setTimeout(r, 20));
          await tx.$executeRaw`SELECT pg_stat_clear_snapshot()`; // pg_stat_activity is read once a transaction otherwise
          const rows = await tx.$queryRaw<{ n: number }[]>`
          SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`;
          queued = rows[0]!.n;
        }
      },
      { timeout: 20_000 },
    );
    expect(queued).toBe(waiting); // both really waited for the row (without the lock in them, they would not)
    return started!;
  }

  it("removing the password and the last passkey at once: exactly one goes, a way in remains", async () => {
    const user = await t.createUser();
    const passkeyId = await addPasskey(user.id, "only");
    const account = await fresh(user.id);
    const results = await behindTheRowLock<{ outcome: string; code?: string }>(user.id, 2, () => [
      t.app.services.passkeys.removePassword(account, request),
      t.app.services.passkeys.remove(user.id, passkeyId, { via: "account_page" }, request),
    ]);
    const [password, passkey] = [results[0]!, results[1]!];
    const after = await fresh(user.id);
    const left = await t.app.db.prisma.passkey.count({ where: { userId: user.id } });
    expect(Boolean(after.passwordHash) || left > 0).toBe(true);
    expect([password.outcome, passkey.outcome].filter((o) => o === "removed")).toHaveLength(1);
    // what was refused says why, and only what happened is in the audit log
    if (password.outcome === "removed") expect(passkey).toEqual({ outcome: "refused", code: "passkey.last_factor" });
    else expect(password).toEqual({ outcome: "refused", code: "passkey.none_left" });
    const events = await t.app.db.prisma.auditEvent.count({
      where: { userId: user.id, type: { in: ["password.removed", "passkey.removed"] }, outcome: "success" },
    });
    expect(events).toBe(1);
  });

  it("removing the last two passkeys of an account without a password at once: one stays", async () => {
    const user = await t.createUser();
    const ids = [await addPasskey(user.id, "first"), await addPasskey(user.id, "second")];
    await t.app.db.prisma.user.update({ where: { id: user.id }, data: { passwordHash: null } });
    const results = await behindTheRowLock(user.id, 2, () =>
      ids.map((id) => t.app.services.passkeys.remove(user.id, id, { via: "account_page" }, request)),
    );
    expect(results.map((r) => r.outcome).sort()).toEqual(["refused", "removed"]);
    expect(results.find((r) => r.outcome === "refused")).toEqual({ outcome: "refused", code: "passkey.last_factor" });
    expect(await t.app.db.prisma.passkey.count({ where: { userId: user.id } })).toBe(1);
  });
});
