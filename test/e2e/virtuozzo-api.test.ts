// The Virtuozzo plugin through real HTTP against a loopback stand-in platform (test/helpers/virtuozzo-platform.ts):
// linking (Owner only, verified against the platform, the password sealed and never logged or audited), the
// team-scoped session for members with virtuozzo.session.read and for a relying party's client_credentials token
// the Owner authorized, lazy refresh at the safety window (a manual clock), single flight under 10 parallel callers,
// Owner-only forced refresh and revoke, faults (wrong credentials, platform down, slow, malformed answers, a refusal
// of the stored credentials, remembered so it is not retried), an ownership transfer (through the ownership service)
// suspending the link and signing its session out until the new Owner confirms, and unlinking. Each test links the
// team it needs itself (linked()), so the tests do not depend on each other's order.
import { describe, it, expect, beforeAll, afterAll, beforeEach } from "vitest";
import * as client from "openid-client";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { apiClient, type ApiUser } from "../helpers/api.ts";
import { discover } from "../helpers/oidc-flow.ts";
import { teamWithMembers } from "../helpers/team-flow.ts";
import { manualClock } from "../helpers/totp-login.ts";
import { startPlatform, type StandInPlatform } from "../helpers/virtuozzo-platform.ts";
import { startSmtpSink } from "../helpers/smtp-sink.ts";

const TTL = 3600;
const WINDOW = 300;
const LOGIN = "owner@platform.example";
const SECRET = "platform pass phrase 7731";
// long enough for a held answer on a loaded machine; the slow-platform case waits this long once
const TIMEOUT_MS = 2000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("Virtuozzo plugin: links and team-scoped sessions over the API", () => {
  const clock = manualClock();
  let t: TestApp;
  let platform: StandInPlatform;
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  let api: Awaited<ReturnType<typeof apiClient>>;
  let team: Awaited<ReturnType<typeof teamWithMembers>>;
  let otherTeam: Awaited<ReturnType<typeof teamWithMembers>>;
  const tokens = new Map<string, string>();
  const tokenFor = async (u: ApiUser) => tokens.get(u.id) ?? tokens.set(u.id, await api.apiToken(u)).get(u.id)!;
  const as = async (u: ApiUser) => {
    const token = await tokenFor(u);
    return (method: string, path: string, body?: unknown) => api.call(method, path, token, body);
  };
  const base = () => `/api/v1/teams/${team.teamId}/virtuozzo`;
  const audited = async (type: string, teamId: string) =>
    (await t.app.queries.auditEvents.listByType(type, 500)).filter((e) => (e.data as { teamId?: string } | null)?.teamId === teamId);
  const allAudit = async () =>
    JSON.stringify(
      await t.app.db.prisma.auditEvent.findMany({
        where: { type: { startsWith: "virtuozzo." } },
        select: { type: true, data: true, userAgent: true },
      }),
    );
  const cached = (teamId = team.teamId) => t.app.db.prisma.virtuozzoLink.findUnique({ where: { teamId } });
  const markerKey = (teamId = team.teamId) => `virtuozzo:failed:{${teamId}}`;
  /** the team linked by its Owner (through the service), the platform's counters reset: what a test starts from */
  async function linked(tm = team) {
    const link = await t.app.queries.virtuozzoLinks.find(tm.teamId);
    if (link?.linkedById !== tm.owner.id) {
      const r = await t.app.services.virtuozzo.link(tm.teamId, tm.owner.id, { login: LOGIN, password: SECRET });
      if (r.outcome !== "linked") throw new Error(JSON.stringify(r));
    }
    platform.reset();
  }

  beforeAll(async () => {
    platform = await startPlatform({ now: () => clock.now().getTime() });
    sink = await startSmtpSink();
    platform.state.sessionMs = TTL * 1000;
    platform.addAccount(LOGIN, { password: SECRET, groupType: "billing" });
    platform.addAccount("trial@platform.example", { password: SECRET, groupType: "trial" });
    t = await startTestApp(
      {
        VIRTUOZZO_ENABLED: "true",
        VIRTUOZZO_PLATFORM_URLS: platform.url,
        VIRTUOZZO_ALLOWED_GROUP_TYPES: "billing,post",
        VIRTUOZZO_SAFETY_WINDOW_SECONDS: String(WINDOW),
        VIRTUOZZO_SESSION_TTL: String(TTL),
        VIRTUOZZO_REQUEST_TIMEOUT_MS: String(TIMEOUT_MS),
        SMTP_URL: sink.url,
      },
      { clock },
    );
    api = await apiClient(t, { name: "Virtuozzo console" });
    team = await teamWithMembers(t, "Vz", "manager", "developer");
    otherTeam = await teamWithMembers(t, "Vzo", "developer");
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await platform?.close();
    await sink?.close();
  });
  beforeEach(async () => {
    platform.reset();
    await t.app.redis.del(markerKey());
  });

  it("the plugin's permissions are registered; new teams' Developers get virtuozzo.session.read, not link.manage", async () => {
    expect(t.app.services.permissions.listByTab().flatMap((tab) => tab.permissions.map((p) => p.code))).toEqual(
      expect.arrayContaining(["virtuozzo.session.read", "virtuozzo.link.manage"]),
    );
    const dev = await t.app.queries.teams.roleByKey(team.teamId, "developer");
    expect(t.app.services.permissions.can(dev!.permissions, "virtuozzo.session.read")).toBe(true);
    expect(t.app.services.permissions.can(dev!.permissions, "virtuozzo.link.manage")).toBe(false);
  });

  it("the OpenAPI document lists the plugin's routes (the session route open to client tokens too)", async () => {
    const doc = (await api.call("GET", "/api/v1/openapi.json", null)).body as {
      paths: Record<string, Record<string, Record<string, unknown>>>;
    };
    expect(
      Object.keys(doc.paths)
        .filter((p) => p.includes("/virtuozzo"))
        .sort(),
    ).toEqual([
      "/api/v1/teams/{teamId}/virtuozzo/clients",
      "/api/v1/teams/{teamId}/virtuozzo/link",
      "/api/v1/teams/{teamId}/virtuozzo/link/confirm",
      "/api/v1/teams/{teamId}/virtuozzo/session",
      "/api/v1/teams/{teamId}/virtuozzo/session/refresh",
    ]);
    expect(doc.paths["/api/v1/teams/{teamId}/virtuozzo/session"]!.get!["x-gatehouse-access"]).toBe("any");
  });

  it("linking: a Manager is refused (403, audited); wrong credentials and a refused group type store nothing", async () => {
    const fresh = await teamWithMembers(t, "Vzr", "manager");
    const base = () => `/api/v1/teams/${fresh.teamId}/virtuozzo`;
    const cached = () => t.app.db.prisma.virtuozzoLink.findUnique({ where: { teamId: fresh.teamId } });
    const manager = await as(fresh.members[0]!);
    const denied = await manager("PUT", `${base()}/link`, { login: LOGIN, password: SECRET });
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe("permission.denied");
    expect(await audited("virtuozzo.link.denied", fresh.teamId)).toHaveLength(1);
    expect(platform.calls.signin).toBe(0);

    const owner = await as(fresh.owner);
    const wrong = await owner("PUT", `${base()}/link`, { login: LOGIN, password: "not the password" });
    expect(wrong.status).toBe(400);
    expect(wrong.body.code).toBe("virtuozzo.credentials_refused");
    expect(wrong.text).not.toContain("not the password");
    const trial = await owner("PUT", `${base()}/link`, { login: "trial@platform.example", password: SECRET });
    expect(trial.status).toBe(403);
    expect(trial.body).toMatchObject({ code: "virtuozzo.group_type_refused", data: { groupType: "trial" } });
    expect(trial.body.message).toContain('"trial"');
    const other = await owner("PUT", `${base()}/link`, { login: LOGIN, password: SECRET, platformUrl: "https://elsewhere.example" });
    expect(other.status).toBe(400);
    expect(other.body.code).toBe("request.invalid");
    expect(await cached()).toBeNull();
    expect((await audited("virtuozzo.link.refused", fresh.teamId)).map((e) => (e.data as { reason: string }).reason).sort()).toEqual([
      "credentials_refused",
      "group_refused",
    ]);
  });

  it("the Owner links: verified (sign-in, user info, group type, sign-out), the password sealed, audited without it", async () => {
    const team = await teamWithMembers(t, "Vzk", "developer");
    const base = () => `/api/v1/teams/${team.teamId}/virtuozzo`;
    const cached = () => t.app.db.prisma.virtuozzoLink.findUnique({ where: { teamId: team.teamId } });
    const owner = await as(team.owner);
    const linked = await owner("PUT", `${base()}/link`, { login: LOGIN, password: SECRET });
    expect(linked.status).toBe(200);
    expect(linked.body).toMatchObject({
      linked: true,
      state: "active",
      login: LOGIN,
      groupType: "billing",
      platformUrl: platform.url,
      linkedById: team.owner.id,
    });
    expect(platform.calls).toMatchObject({ signin: 1, getuserinfo: 1, getaccount: 1 });
    const row = await cached();
    expect(row!.credential).not.toContain(SECRET);
    expect(row!.credential).toMatch(/^v1\./);
    expect(linked.text).not.toContain(SECRET);
    expect(await allAudit()).not.toContain(SECRET);
    expect(await audited("virtuozzo.linked", team.teamId)).toHaveLength(1);
    // the developer sees the session, not the link
    expect((await (await as(team.members[0]!))("GET", `${base()}/link`)).status).toBe(403);
  });

  it("a Developer gets the team's session; a second request is served from the cache", async () => {
    await linked();
    expect((await (await as(team.owner))("DELETE", `${base()}/session`)).status).toBe(204);
    platform.reset();
    const dev = await as(team.members[1]!);
    const first = await dev("GET", `${base()}/session`);
    expect(first.status).toBe(200);
    expect(first.headers.get("cache-control")).toBe("no-store");
    expect(first.body).toMatchObject({ refreshed: true, platformUrl: platform.url });
    expect(new Date(first.body.expiresAt as string).getTime()).toBe(clock.now().getTime() + TTL * 1000);
    expect(platform.sessions.has(first.body.session as string)).toBe(true);
    const second = await dev("GET", `${base()}/session`);
    expect(second.body).toMatchObject({ session: first.body.session, refreshed: false });
    expect(platform.calls.signin).toBe(1);
    expect(await allAudit()).not.toContain(first.body.session as string);
  });

  it("lazy refresh: just outside the safety window the cached session is served; inside it, one new sign-in", async () => {
    await linked();
    const dev = await as(team.members[1]!);
    const before = await dev("GET", `${base()}/session`);
    platform.reset();
    const left = (new Date(before.body.expiresAt as string).getTime() - clock.now().getTime()) / 1000;
    clock.advance(left - WINDOW - 1);
    const outside = await dev("GET", `${base()}/session`);
    expect(outside.body).toMatchObject({ session: before.body.session, refreshed: false });
    expect(platform.calls.signin).toBe(0);
    clock.advance(2); // now 299 s left
    const inside = await dev("GET", `${base()}/session`);
    expect(inside.body.refreshed).toBe(true);
    expect(inside.body.session).not.toBe(before.body.session);
    expect(platform.calls.signin).toBe(1);
  });

  it("single flight: 10 parallel callers while the session needs renewing make exactly one sign-in and share it", async () => {
    await linked();
    const owner = await as(team.owner);
    expect((await owner("DELETE", `${base()}/session`)).status).toBe(204);
    platform.reset();
    const release = platform.hold(); // the one sign-in waits until the nine others are waiting for it
    const callers = await Promise.all([team.owner, team.members[0]!, team.members[1]!].map(as));
    const pending = Array.from({ length: 10 }, (_, i) => callers[i % 3]!("GET", `${base()}/session`));
    while (platform.calls.signin < 1 || t.app.services.virtuozzo.refreshWaiters() < 9) await sleep(20);
    expect(platform.calls.signin).toBe(1);
    release();
    const answers = await Promise.all(pending);
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    expect(new Set(answers.map((a) => a.body.session)).size).toBe(1);
    expect(answers.filter((a) => a.body.refreshed)).toHaveLength(1);
    expect(platform.calls.signin).toBe(1);
  });

  it("another team's member, and a non-member, get 403 (audited); forced refresh and revoke are the Owner's", async () => {
    await linked();
    const stranger = await as(otherTeam.members[0]!);
    const denied = await stranger("GET", `${base()}/session`);
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe("permission.denied");
    const dev = await as(team.members[1]!);
    expect((await dev("POST", `${base()}/session/refresh`)).status).toBe(403);
    expect((await dev("DELETE", `${base()}/session`)).status).toBe(403);
    const actions = (await audited("virtuozzo.session.denied", team.teamId)).map((e) => (e.data as { action: string }).action);
    expect(actions).toEqual(expect.arrayContaining(["read", "refresh", "revoke"]));
    expect(platform.calls.signin).toBe(0);

    const owner = await as(team.owner);
    const now = await owner("GET", `${base()}/session`);
    const forced = await owner("POST", `${base()}/session/refresh`);
    expect(forced.status).toBe(200);
    expect(forced.body.refreshed).toBe(true);
    expect(forced.body.session).not.toBe(now.body.session);
    expect(await audited("virtuozzo.session.refreshed", team.teamId)).toHaveLength(1);
    // the session it replaced is signed out at the platform
    while (platform.sessions.has(now.body.session as string)) await sleep(20);
    expect(platform.sessions.has(forced.body.session as string)).toBe(true);
  });

  it("a relying party's client_credentials token gets the session only once the Owner authorized that client", async () => {
    await linked();
    const { clientId, clientSecret } = await t.createClient({
      name: "Team deployer",
      type: "confidential",
      grantTypes: ["client_credentials"],
      redirectUris: [],
      resources: [api.API],
    });
    const rp = await discover(t.url, clientId, clientSecret);
    const token = (await client.clientCredentialsGrant(rp, { resource: api.API })).access_token;
    const refused = await api.call("GET", `${base()}/session`, token);
    expect(refused.status).toBe(403);
    const owner = await as(team.owner);
    expect((await owner("PUT", `${base()}/clients`, { clientIds: ["no-such-client"] })).status).toBe(400);
    expect((await owner("PUT", `${base()}/clients`, { clientIds: [clientId] })).body).toEqual({ clientIds: [clientId] });
    const got = await api.call("GET", `${base()}/session`, token);
    expect(got.status).toBe(200);
    expect(got.body.session).toBe((await owner("GET", `${base()}/session`)).body.session);
    // for this team only: another team's session stays closed to it
    expect((await api.call("GET", `/api/v1/teams/${otherTeam.teamId}/virtuozzo/session`, token)).status).toBe(403);
  });

  it("platform down: a valid cached session is still served; once expired, 503 with Retry-After; nothing poisoned", async () => {
    await linked();
    const dev = await as(team.members[1]!);
    const owner = await as(team.owner);
    const good = await dev("GET", `${base()}/session`);
    const left = (new Date(good.body.expiresAt as string).getTime() - clock.now().getTime()) / 1000;
    clock.advance(left - 10); // inside the window, still valid
    platform.reset();
    platform.state.mode = "http503";
    const refreshedBefore = (await audited("virtuozzo.session.refreshed", team.teamId)).length;
    // a forced refresh during the outage is a 503, never the old session passed off as new
    const forced = await owner("POST", `${base()}/session/refresh`);
    expect(forced.status).toBe(503);
    expect(forced.body.code).toBe("virtuozzo.unavailable");
    expect(forced.text).not.toContain(good.body.session as string);
    expect(await audited("virtuozzo.session.refreshed", team.teamId)).toHaveLength(refreshedBefore);
    // the outage is remembered for Retry-After: readers get the still valid session without another sign-in
    const stale = await dev("GET", `${base()}/session`);
    expect(stale.status).toBe(200);
    expect(stale.body).toMatchObject({ session: good.body.session, refreshed: false });
    expect(platform.calls.signin).toBe(1);
    clock.advance(20); // expired
    const down = await dev("GET", `${base()}/session`);
    expect(down.status).toBe(503);
    expect(down.body.code).toBe("virtuozzo.unavailable");
    expect(down.headers.get("retry-after")).toBe("5");
    expect(platform.calls.signin).toBe(1); // answered from the marker at once
    await t.app.redis.del(markerKey()); // as after Retry-After
    const downAgain = await dev("GET", `${base()}/session`);
    expect(downAgain.status).toBe(503);
    expect(platform.calls.signin).toBe(2);
    await t.app.redis.del(markerKey());
    platform.state.mode = "malformed";
    const bad = await dev("GET", `${base()}/session`);
    expect(bad.status).toBe(502);
    expect(bad.body.code).toBe("virtuozzo.bad_answer");
    platform.state.mode = "ok";
    platform.state.delayMs = TIMEOUT_MS + 500; // beyond VIRTUOZZO_REQUEST_TIMEOUT_MS
    const slow = await dev("GET", `${base()}/session`);
    expect(slow.status).toBe(503);
    expect(slow.headers.get("retry-after")).toBe("5");
    await t.app.redis.del(markerKey());
    platform.state.delayMs = 0;
    const back = await dev("GET", `${base()}/session`);
    expect(back.status).toBe(200);
    expect(back.body.refreshed).toBe(true);
  });

  it("a wrong-shaped answer while linking is refused, nothing changes", async () => {
    await linked();
    const before = await cached();
    platform.state.mode = "wrong_shape";
    const owner = await as(team.owner);
    const r = await owner("PUT", `${base()}/link`, { login: LOGIN, password: SECRET });
    expect(r.status).toBe(502);
    expect(r.text).not.toContain(SECRET);
    expect((await cached())!.updatedAt).toEqual(before!.updatedAt);
  });

  it("the platform refusing the stored credentials: cache purged, 409 audited once; not retried until the Owner confirms", async () => {
    await linked();
    const owner = await as(team.owner);
    const dev = await as(team.members[1]!);
    const old = (await dev("GET", `${base()}/session`)).body.session as string;
    clock.advance(TTL - WINDOW + 1); // inside the window: the next request signs in again
    platform.addAccount(LOGIN, { password: "changed on the platform", groupType: "billing", uid: 100 });
    platform.reset();
    try {
      const refused = await dev("GET", `${base()}/session`);
      expect(refused.status).toBe(409);
      expect(refused.body.code).toBe("virtuozzo.credentials_refused");
      expect(await t.app.redis.exists(`virtuozzo:session:{${team.teamId}}`)).toBe(0);
      while (platform.sessions.has(old)) await sleep(20); // the purged session is signed out
      // remembered: further requests (even a forced refresh) are refused at once, no sign-in, no second audit row
      expect((await dev("GET", `${base()}/session`)).status).toBe(409);
      expect((await owner("POST", `${base()}/session/refresh`)).body.code).toBe("virtuozzo.credentials_refused");
      expect(platform.calls.signin).toBe(1);
      expect(await audited("virtuozzo.session.refused", team.teamId)).toHaveLength(1);
      // the password is right again on the platform: still refused until the Owner confirms the link
      platform.addAccount(LOGIN, { password: SECRET, groupType: "billing", uid: 100 });
      expect((await dev("GET", `${base()}/session`)).status).toBe(409);
      expect(platform.calls.signin).toBe(1);
      expect((await owner("POST", `${base()}/link/confirm`)).status).toBe(200);
      const back = await dev("GET", `${base()}/session`);
      expect(back.status).toBe(200);
      expect(back.body.refreshed).toBe(true);
    } finally {
      platform.addAccount(LOGIN, { password: SECRET, groupType: "billing", uid: 100 });
    }
  });

  it("platform down while 10 callers wait for one sign-in: one sign-in, all ten answered 503 from its failure", async () => {
    await linked();
    expect((await (await as(team.owner))("DELETE", `${base()}/session`)).status).toBe(204);
    platform.reset();
    const release = platform.hold();
    const callers = await Promise.all([team.owner, team.members[0]!, team.members[1]!].map(as));
    const pending = Array.from({ length: 10 }, (_, i) => callers[i % 3]!("GET", `${base()}/session`));
    while (platform.calls.signin < 1 || t.app.services.virtuozzo.refreshWaiters() < 9) await sleep(20);
    platform.state.mode = "http503";
    release();
    const answers = await Promise.all(pending);
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(503));
    expect(answers.every((a) => a.headers.get("retry-after") === "5")).toBe(true);
    expect(platform.calls.signin).toBe(1);
    await t.app.redis.del(markerKey());
  });

  it("an ownership transfer (accepted through the ownership service) purges and signs out the session at once; suspended until the new Owner confirms", async () => {
    const tm = await teamWithMembers(t, "Vzt", "developer");
    const tbase = `/api/v1/teams/${tm.teamId}/virtuozzo`;
    await linked(tm);
    const owner = await as(tm.owner);
    const session = (await owner("GET", `${tbase}/session`)).body.session as string;
    const newOwner = tm.members[0]!;
    const before = sink.messages.length;
    const started = await t.app.services.ownership.start(tm.teamId, tm.owner.id, newOwner.id);
    expect(started.outcome).toBe("started");
    const mail = await sink.waitFor((m) => m.to.includes(newOwner.email) && sink.messages.indexOf(m) >= before);
    const token = new RegExp(`/account/teams/${tm.slug}/transfer/accept/([\\w-]{43})`).exec(mail.text)![1]!;
    expect((await t.app.services.ownership.accept(tm.slug, token, { id: newOwner.id })).outcome).toBe("accepted");
    // no request needed: the cached session is gone and signed out at the platform
    expect(await t.app.redis.exists(`virtuozzo:session:{${tm.teamId}}`)).toBe(0);
    while (platform.sessions.has(session)) await sleep(20);
    expect(await audited("virtuozzo.link.suspended", tm.teamId)).toHaveLength(1);
    const asNew = await as(newOwner);
    const suspended = await asNew("GET", `${tbase}/session`);
    expect(suspended.status).toBe(409);
    expect(suspended.body.code).toBe("virtuozzo.link_suspended");
    expect((await owner("POST", `${tbase}/link/confirm`)).status).toBe(403); // the old Owner is a Manager now
    const confirmed = await asNew("POST", `${tbase}/link/confirm`);
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ state: "active", linkedById: newOwner.id });
    expect(await audited("virtuozzo.link.confirmed", tm.teamId)).toHaveLength(1);
    expect((await asNew("GET", `${tbase}/session`)).status).toBe(200);
  });

  it("unlinking purges the session; afterwards 404 virtuozzo.not_linked", async () => {
    await linked();
    const owner = await as(team.owner);
    const session = (await owner("GET", `${base()}/session`)).body.session as string;
    expect((await owner("DELETE", `${base()}/link`)).status).toBe(204);
    expect(await cached()).toBeNull();
    expect(await t.app.redis.exists(`virtuozzo:session:{${team.teamId}}`)).toBe(0);
    while (platform.sessions.has(session)) await new Promise((r) => setTimeout(r, 20)); // signed out at the platform
    const after = await owner("GET", `${base()}/session`);
    expect(after.status).toBe(404);
    expect(after.body.code).toBe("virtuozzo.not_linked");
    expect((await audited("virtuozzo.unlinked", team.teamId)).length).toBeGreaterThanOrEqual(1);
  });
});
