// "Export my data" (#21 item 4): the account page's download and `GET /api/v1/me/export` give the caller's
// profile, teams and roles, sessions, trusted devices, second-factor metadata, login locations and audit events,
// and exactly theirs: a second user with sessions, devices, locations and events of their own never appears, no
// parameter names another user, and no secret (password hash, TOTP secret, backup code or device token hash) is in
// it. Rate limited (RATE_LIMIT_EXPORT_PER_USER, page and API together) and audited as account.exported.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser } from "../helpers/browser.ts";
import { openAccountPage } from "../helpers/sessions.ts";
import { apiClient } from "../helpers/api.ts";
import { addMember, createTeam } from "../helpers/team-flow.ts";

type Export = {
  format: string;
  profile: { id: string; email: string };
  credentials: { twoFactor: { totp: { enabled: boolean } }; passkeys: { name: string }[] };
  teams: { team: { id: string }; role: { key: string } }[];
  sessions: { id: string }[];
  trustedDevices: { id: string }[];
  loginLocations: { ip: string }[];
  auditEvents: { type: string; userId: string | null; actorId: string | null }[];
};

describe("export my data", () => {
  let t: TestApp;
  let api: Awaited<ReturnType<typeof apiClient>>;

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_EXPORT_PER_USER: "3" });
    api = await apiClient(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  /** a user with a team of their own, a membership elsewhere, a session, a trusted device and a login location */
  async function seeded(tag: string) {
    const user = await t.createUser();
    const own = await createTeam(t, user.id, `Own ${tag} ${Date.now().toString(36)}`);
    const token = await api.apiToken(user);
    await t.app.db.prisma.trustedDevice.create({
      data: {
        userId: user.id,
        tokenHash: `hash-${tag}-${user.id}`,
        label: `Browser of ${tag}`,
        lastUsedAt: new Date(),
        expiresAt: new Date(Date.now() + 86400_000),
      },
    });
    await t.app.db.prisma.loginLocation.create({
      data: { userId: user.id, ip: `203.0.113.${tag === "a" ? 10 : 20}`, network: "203.0.113.0/24" },
    });
    return { user, own, token };
  }
  /** a passkey row (after the sign-in: an enrolled passkey makes the password sign-in ask for it) */
  const passkeyFor = (userId: string, tag: string) =>
    t.app.db.prisma.passkey.create({
      data: {
        userId,
        credentialId: `credential-${tag}-${userId}`,
        publicKey: Buffer.from([1, 2, 3]),
        deviceType: "singleDevice",
        aaguid: "00000000-0000-0000-0000-000000000000",
        name: `Key of ${tag}`,
      },
    });

  it("the API export has exactly the caller's rows, never another user's, never a secret; audited", async () => {
    const a = await seeded("a");
    const b = await seeded("b");
    await passkeyFor(a.user.id, "a");
    await passkeyFor(b.user.id, "b");
    await addMember(t, b.own, a.user.id, "developer"); // a is in b's team: the team shows, b's rows do not
    await t.app.db.prisma.user.update({
      where: { id: a.user.id },
      data: { totpSecretEncrypted: "v1.secret-cipher-text", totpEnabledAt: new Date() },
    });

    const res = await api.call("GET", "/api/v1/me/export", a.token);
    expect(res.status).toBe(200);
    const doc = res.body as unknown as Export;
    expect(doc.format).toBe("gatehouse.account-export.v1");
    expect(doc.profile).toMatchObject({ id: a.user.id, email: a.user.email });
    expect(doc.teams.map((m) => [m.team.id, m.role.key]).sort()).toEqual(
      [
        [a.own.id, "owner"],
        [b.own.id, "developer"],
      ].sort(),
    );
    expect(doc.sessions.length).toBeGreaterThan(0);
    expect(doc.trustedDevices).toHaveLength(1);
    expect(doc.loginLocations.map((l) => l.ip)).toContain("203.0.113.10");
    expect(doc.credentials.twoFactor.totp.enabled).toBe(true);
    expect(doc.credentials.passkeys.map((k) => k.name)).toEqual(["Key of a"]);
    expect(doc.auditEvents.length).toBeGreaterThan(0);
    for (const e of doc.auditEvents) expect(e.userId === a.user.id || e.actorId === a.user.id).toBe(true);
    // nothing of b's, and no secret
    expect(res.text).not.toContain(b.user.id);
    expect(res.text).not.toContain(b.user.email);
    expect(res.text).not.toContain("203.0.113.20");
    expect(res.text).not.toContain("Browser of b");
    expect(res.text).not.toContain("Key of b");
    for (const secret of [
      "v1.secret-cipher-text",
      `hash-a-${a.user.id}`,
      `credential-a-${a.user.id}`,
      "publicKey",
      "$argon2",
      "passwordHash",
      "tokenHash",
      "codeHash",
    ])
      expect(res.text).not.toContain(secret);

    // no way to name another user
    const other = await api.call("GET", `/api/v1/me/export?userId=${b.user.id}`, a.token);
    expect([other.status, other.body.code]).toEqual([400, "request.invalid"]);
    expect((await api.call("GET", "/api/v1/me/export", await api.clientToken())).status).toBe(403);
    const audited = await t.app.db.prisma.auditEvent.findMany({ where: { userId: a.user.id, type: "account.exported" } });
    expect(audited).toHaveLength(1);
    expect(audited[0]!.data).toMatchObject({ via: "api" });
  });

  it("the account page downloads the same JSON (CSRF-checked POST), and the hourly limit is shared with the API", async () => {
    const c = await seeded("c");
    const browser = new TestBrowser(t.url);
    const page = await openAccountPage(browser, t.url, "/account/data", { identifier: c.user.email, password: c.user.password });
    expect(page.html).toContain("Download my data");
    const forged = await browser.submit(page, "/account/data/export", { _csrf: "forged" });
    expect(forged.status).toBe(403);
    const form = /action="\/account\/data\/export">\s*<input type="hidden" name="_csrf" value="([^"]+)"/.exec(page.html)![1]!;
    const download = await browser.request(`${t.url}/account/data/export`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: t.url },
      body: `_csrf=${encodeURIComponent(form)}`,
    });
    expect(download.status).toBe(200);
    expect(download.headers.get("content-disposition")).toMatch(/^attachment; filename="gatehouse-.*-data\.json"$/);
    const doc = (await download.json()) as Export;
    expect(doc.profile.id).toBe(c.user.id);
    expect((await api.call("GET", "/api/v1/me/export", c.token)).status).toBe(200);
    expect((await api.call("GET", "/api/v1/me/export", c.token)).status).toBe(200);
    const limited = await api.call("GET", "/api/v1/me/export", c.token);
    expect([limited.status, limited.body.code]).toEqual([429, "rate_limited"]);
    expect(await t.app.db.prisma.auditEvent.count({ where: { userId: c.user.id, type: "account.exported" } })).toBe(3);
  });
});
