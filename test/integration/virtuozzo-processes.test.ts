// The Virtuozzo session cache as two processes see it: two service instances sharing Postgres and Redis (what two
// Gatehouse processes are), 10 parallel callers split between them, one platform sign-in; a purge while a sign-in
// is in flight keeps that sign-in's session out of the cache (and signs it out); a re-link while a request that read
// the old link waits for the lock never gets the old account's session cached; a provider admin's reads, refresh
// and unlink (audited). And the logs: platform faults are logged with the
// call and the reason only, never the password or a session.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { Writable } from "node:stream";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { teamWithMembers } from "../helpers/team-flow.ts";
import { startPlatform, type StandInPlatform } from "../helpers/virtuozzo-platform.ts";
import { createLogger } from "../../src/lib/logger.ts";
import { createTeamAccess } from "../../src/services/team-roles.ts";
import { createVirtuozzo, type Virtuozzo } from "../../src/services/virtuozzo/index.ts";
import { asAdmin } from "../../src/services/team-admin.ts";

const SECRET = "platform pass phrase 9902";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("Virtuozzo sessions across processes", () => {
  let t: TestApp;
  let platform: StandInPlatform;
  let first: Virtuozzo;
  let second: Virtuozzo;
  let team: Awaited<ReturnType<typeof teamWithMembers>>;
  const lines: string[] = [];
  let log: ReturnType<typeof createLogger>;
  /** a process whose VIRTUOZZO_PLATFORM_URLS no longer lists the stand-in */
  let reconfigured: Virtuozzo;

  beforeAll(async () => {
    platform = await startPlatform();
    platform.addAccount("owner@platform.example", { password: SECRET, groupType: "billing" });
    platform.addAccount("other@platform.example", { password: SECRET, groupType: "billing" });
    t = await startTestApp({ VIRTUOZZO_ENABLED: "true", VIRTUOZZO_PLATFORM_URLS: platform.url, VIRTUOZZO_REQUEST_TIMEOUT_MS: "2000" });
    log = createLogger(
      "info",
      new Writable({
        write(chunk: Buffer, _enc, done) {
          lines.push(chunk.toString());
          done();
        },
      }),
    );
    // "another process": its own service instance (own platform client, own cache object) on the same stores
    const { queries, services, redis, clock, config } = t.app;
    const make = (platformUrls = config.virtuozzo.platformUrls) =>
      createVirtuozzo({
        links: queries.virtuozzoLinks,
        teams: queries.teams,
        access: createTeamAccess({ teams: queries.teams, registry: services.permissions }),
        audit: services.audit,
        redis,
        clock,
        log,
        masterKey: config.secrets.masterKey,
        settings: { ...config.virtuozzo, platformUrls },
        clientExists: async () => true,
      });
    reconfigured = make(["https://another-platform.example"]);
    first = make();
    second = make();
    team = await teamWithMembers(t, "Proc", "developer");
    expect((await first.link(team.teamId, team.owner.id, { login: "owner@platform.example", password: SECRET })).outcome).toBe("linked");
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await platform?.close();
  });

  it("10 parallel callers on two processes: one sign-in, one shared session", async () => {
    platform.reset();
    const release = platform.hold();
    const callers = Array.from({ length: 10 }, (_, i) =>
      (i % 2 ? first : second).session(team.teamId, { kind: "user", by: i % 3 ? team.members[0]!.id : team.owner.id }),
    );
    // the one sign-in is held until the nine others (on both processes) wait for it
    while (platform.calls.signin < 1 || first.refreshWaiters() + second.refreshWaiters() < 9) await sleep(20);
    expect(platform.calls.signin).toBe(1);
    release();
    const got = await Promise.all(callers);
    expect(got.map((g) => g.outcome)).toEqual(Array(10).fill("ok"));
    expect(new Set(got.map((g) => (g as { session: string }).session)).size).toBe(1);
    expect(platform.calls.signin).toBe(1);
  });

  it("a purge (unlink) during a sign-in in flight: that session never lands in the cache", async () => {
    await first.revoke(team.teamId, team.owner.id);
    platform.reset();
    const release = platform.hold();
    const pending = first.session(team.teamId, { kind: "user", by: team.owner.id });
    while (platform.calls.signin < 1) await new Promise((r) => setTimeout(r, 20));
    expect((await second.unlink(team.teamId, team.owner.id)).outcome).toBe("unlinked");
    release();
    // the sign-in itself worked (the stand-in made a session) but lost to the purge: "being replaced", not a timeout
    expect(await pending).toEqual({
      outcome: "unavailable",
      key: "team.refusal.vzSessionReplaced",
      message: expect.stringContaining("being replaced"),
    });
    const made = [...platform.sessions.keys()];
    expect(made).toHaveLength(1);
    expect(await t.app.redis.exists(`virtuozzo:session:{${team.teamId}}`)).toBe(0);
    while (platform.sessions.has(made[0]!)) await sleep(20); // nobody may have it: signed out at the platform
    expect((await second.session(team.teamId, { kind: "user", by: team.owner.id })).outcome).toBe("not_linked");
  });

  it("a re-link while a request that read the old link waits for the lock: the old account's session is never cached", async () => {
    expect((await first.link(team.teamId, team.owner.id, { login: "owner@platform.example", password: SECRET })).outcome).toBe("linked");
    await first.revoke(team.teamId, team.owner.id);
    // another process holds the team's refresh lock, so the request stops after reading the (old) link
    await t.app.redis.set(`virtuozzo:lock:{${team.teamId}}`, "someone else", "PX", 30_000);
    const pending = first.session(team.teamId, { kind: "user", by: team.owner.id });
    while (first.refreshWaiters() < 1) await sleep(20);
    expect((await second.link(team.teamId, team.owner.id, { login: "other@platform.example", password: SECRET })).outcome).toBe("linked");
    platform.reset();
    await t.app.redis.del(`virtuozzo:lock:{${team.teamId}}`);
    expect(await pending).toEqual({
      outcome: "unavailable",
      key: "team.refusal.vzSessionReplaced",
      message: expect.stringContaining("being replaced"),
    });
    // its sign-in (with the old account) is not cached and is signed out; the next request gets the new account's
    while ([...platform.sessions.values()].some((v) => v.login === "owner@platform.example")) await sleep(20);
    const next = await second.session(team.teamId, { kind: "user", by: team.owner.id });
    expect(next.outcome).toBe("ok");
    expect(platform.sessions.get((next as { session: string }).session)?.login).toBe("other@platform.example");
  });

  it("a stored link whose platform is no longer configured makes no sessions (nothing sent to it)", async () => {
    expect((await first.link(team.teamId, team.owner.id, { login: "owner@platform.example", password: SECRET })).outcome).toBe("linked");
    await first.revoke(team.teamId, team.owner.id);
    platform.reset();
    const r = await reconfigured.session(team.teamId, { kind: "user", by: team.owner.id });
    expect(r).toEqual({
      outcome: "suspended",
      key: "team.refusal.vzPlatformGone",
      message: expect.stringContaining("VIRTUOZZO_PLATFORM_URLS"),
    });
    expect(platform.calls.signin).toBe(0);
  });

  it("a provider admin reads, refreshes and unlinks a team's session and link, each audited as the admin", async () => {
    const admin = await t.createUser();
    await t.app.services.systemRoles.setUserRole(admin.id, "super_admin");
    expect((await first.link(team.teamId, team.owner.id, { login: "owner@platform.example", password: SECRET })).outcome).toBe("linked");
    const events = async (type: string) =>
      (await t.app.queries.auditEvents.listByType(type, 200)).filter(
        (e) => (e.data as { teamId?: string }).teamId === team.teamId && e.actorId === admin.id,
      );
    const read = await first.session(team.teamId, { kind: "user", by: asAdmin(admin.id) });
    expect(read.outcome).toBe("ok");
    expect(await events("virtuozzo.session.read")).toEqual([
      expect.objectContaining({ outcome: "success", data: expect.objectContaining({ viaAdmin: true }) }),
    ]);
    expect(JSON.stringify((await events("virtuozzo.session.read")).map((e) => e.data))).not.toContain(
      (read as { session: string }).session,
    );
    const refreshed = await first.refresh(team.teamId, asAdmin(admin.id));
    expect(refreshed).toMatchObject({ outcome: "ok", refreshed: true });
    expect((refreshed as { session: string }).session).not.toBe((read as { session: string }).session);
    expect(await events("virtuozzo.session.refreshed")).toHaveLength(1);
    // an admin may not link in the Owner's place, but may unlink
    expect((await first.link(team.teamId, asAdmin(admin.id), { login: "owner@platform.example", password: SECRET })).outcome).toBe(
      "forbidden",
    );
    expect((await first.unlink(team.teamId, asAdmin(admin.id))).outcome).toBe("unlinked");
    expect(await events("virtuozzo.unlinked")).toEqual([expect.objectContaining({ data: expect.objectContaining({ viaAdmin: true }) })]);
    expect(await t.app.redis.exists(`virtuozzo:session:{${team.teamId}}`)).toBe(0);
  });

  it("platform faults are logged with the call and the reason, never the password or a session", async () => {
    expect((await first.link(team.teamId, team.owner.id, { login: "owner@platform.example", password: SECRET })).outcome).toBe("linked");
    const session = ((await first.session(team.teamId, { kind: "user", by: team.owner.id })) as { session: string }).session;
    await first.revoke(team.teamId, team.owner.id);
    lines.length = 0;
    platform.state.mode = "wrong_shape";
    expect((await first.session(team.teamId, { kind: "user", by: team.owner.id })).outcome).toBe("malformed");
    // a non-zero result from GetUserInfo is the platform's refusal, not an unreadable answer
    platform.state.mode = "refuse_info";
    expect((await first.link(team.teamId, team.owner.id, { login: "owner@platform.example", password: SECRET })).outcome).toBe(
      "credentials_refused",
    );
    platform.state.mode = "http503";
    expect((await first.link(team.teamId, team.owner.id, { login: "owner@platform.example", password: SECRET })).outcome).toBe(
      "unavailable",
    );
    platform.state.mode = "ok";
    const logged = lines.join("");
    expect(logged).toContain("did not have the documented shape");
    expect(logged).toContain("the platform is not available");
    expect(logged).toContain('"status":503');
    expect(logged).not.toContain(SECRET);
    expect(logged).not.toContain(session);
    // and should a caller ever pass one, the logger redacts platform sessions and passwords
    lines.length = 0;
    log.warn({ session, detail: { session, platform_password: SECRET } }, "oops");
    log.flush();
    while (!lines.join("").includes("oops")) await sleep(20);
    expect(lines.join("")).not.toContain(session);
    expect(lines.join("")).not.toContain(SECRET);
  });
});
