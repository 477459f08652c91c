// Door A with the Virtuozzo plugin on, through the real /register page: the form asks for the platform account;
// a group type outside VIRTUOZZO_ALLOWED_GROUP_TYPES, wrong platform credentials, missing ones or a platform that
// does not answer refuse the registration with a clear message and create nothing (no account, no team); an allowed
// one creates the team linked to that account. Every check is audited (virtuozzo.billing_check) without the password.
// With the plugin off the form and the rules are the usual ones. And the team page: the Owner links through it and
// sets the authorized clients there. Door A with a registered address, and Door B, with the plugin on.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { startTestApp, uniqueEmail, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser, type Page } from "../helpers/browser.ts";
import { startSmtpSink } from "../helpers/smtp-sink.ts";
import { startPlatform, type StandInPlatform } from "../helpers/virtuozzo-platform.ts";
import { teamWithMembers } from "../helpers/team-flow.ts";
import { formatDateTime } from "../../src/lib/i18n/index.ts";

const PASSWORD = "quiet lantern over the marsh";
const PLATFORM_SECRET = "platform pass phrase 4412";

describe("Door A: the Virtuozzo group-type check", () => {
  let t: TestApp;
  let off: TestApp;
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  let platform: StandInPlatform;

  beforeAll(async () => {
    sink = await startSmtpSink();
    platform = await startPlatform();
    platform.addAccount("paying@platform.example", { password: PLATFORM_SECRET, groupType: "billing" });
    platform.addAccount("trying@platform.example", { password: PLATFORM_SECRET, groupType: "trial" });
    t = await startTestApp({
      SMTP_URL: sink.url,
      VIRTUOZZO_ENABLED: "true",
      VIRTUOZZO_PLATFORM_URLS: platform.url,
      VIRTUOZZO_ALLOWED_GROUP_TYPES: "billing",
      VIRTUOZZO_REQUEST_TIMEOUT_MS: "1000",
    });
    off = await startTestApp({ SMTP_URL: sink.url, VIRTUOZZO_PLATFORM_URLS: platform.url });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await off?.close();
    await sink?.close();
    await platform?.close();
  });

  let n = 0;
  const username = () => `vz${Date.now().toString(36)}${++n}`;
  const register = async (app: TestApp, fields: Record<string, string>): Promise<Page> => {
    const browser = new TestBrowser(app.url);
    return browser.submit(await browser.go(`${app.url}/register`), "/register", fields);
  };
  const counts = async (app: TestApp) => [await app.app.db.prisma.user.count(), await app.app.db.prisma.team.count()];
  const checks = async () =>
    (await t.app.queries.auditEvents.listByType("virtuozzo.billing_check", 500)).map((e) => ({
      outcome: e.outcome,
      data: e.data as Record<string, string>,
    }));

  it("the form asks for the platform account while the plugin is on, not when it is off", async () => {
    const page = await new TestBrowser(t.url).go(`${t.url}/register`);
    expect(page.html).toMatch(/<input id="platform_login" name="platform_login"/);
    expect(page.html).toMatch(/<input id="platform_password" name="platform_password" type="password"/);
    expect((await new TestBrowser(off.url).go(`${off.url}/register`)).html).not.toContain("platform_login");
  });

  it("a refused group type: a clear message, no account, no team; audited with the group type", async () => {
    const before = await counts(t);
    const page = await register(t, {
      username: username(),
      email: uniqueEmail("trial"),
      password: PASSWORD,
      team_name: "Trial team",
      platform_login: "trying@platform.example",
      platform_password: PLATFORM_SECRET,
    });
    expect(page.status).toBe(400);
    expect(page.html).toMatch(/id="platform_login-error">[\s\S]*group type is &quot;trial&quot;/);
    expect(await counts(t)).toEqual(before);
    expect(await checks()).toContainEqual({
      outcome: "failure",
      data: expect.objectContaining({ reason: "group_refused", groupType: "trial" }),
    });
    expect(JSON.stringify(await checks())).not.toContain(PLATFORM_SECRET);
  });

  it("wrong or missing platform credentials, or a platform that does not answer, refuse the registration", async () => {
    const before = await counts(t);
    const wrong = await register(t, {
      username: username(),
      email: uniqueEmail("wrong"),
      password: PASSWORD,
      team_name: "Wrong team",
      platform_login: "paying@platform.example",
      platform_password: "nope nope nope",
    });
    expect(wrong.status).toBe(400);
    expect(wrong.html).toMatch(/id="platform_login-error">[\s\S]*The platform refused these credentials/);
    const missing = await register(t, {
      username: username(),
      email: uniqueEmail("missing"),
      password: PASSWORD,
      team_name: "Missing team",
    });
    expect(missing.status).toBe(400);
    expect(missing.html).toMatch(/id="platform_login-error">[\s\S]*Enter the login and password of your Virtuozzo platform account/);
    platform.state.delayMs = 1500;
    const slow = await register(t, {
      username: username(),
      email: uniqueEmail("slow"),
      password: PASSWORD,
      team_name: "Slow team",
      platform_login: "paying@platform.example",
      platform_password: PLATFORM_SECRET,
    });
    platform.state.delayMs = 0;
    expect(slow.status).toBe(400);
    expect(slow.html).toContain("The Virtuozzo platform is not answering right now");
    expect(await counts(t)).toEqual(before);
  });

  it("an allowed group type: the team is created, linked to that account (password sealed), audited", async () => {
    const email = uniqueEmail("paying");
    const page = await register(t, {
      username: username(),
      email,
      password: PASSWORD,
      team_name: `Paying team ${Date.now().toString(36)}`,
      platform_login: "paying@platform.example",
      platform_password: PLATFORM_SECRET,
    });
    expect(page.status).toBe(200);
    expect(page.html).toContain("Check your email");
    const user = await t.app.db.prisma.user.findFirstOrThrow({ where: { email } });
    const [membership] = await t.app.queries.teams.membershipsOf(user.id);
    const link = await t.app.queries.virtuozzoLinks.find(membership!.team.id);
    expect(link).toMatchObject({ login: "paying@platform.example", groupType: "billing", linkedById: user.id, platformUrl: platform.url });
    expect(link!.credential).not.toContain(PLATFORM_SECRET);
    expect(await checks()).toContainEqual({ outcome: "success", data: expect.objectContaining({ groupType: "billing" }) });
    // the link's event was written with the registration (one transaction: queries/registrations.ts)
    const [linkedEvent] = (await t.app.queries.auditEvents.listByType("virtuozzo.linked", 500)).filter(
      (e) => (e.data as { teamId?: string }).teamId === membership!.team.id,
    );
    expect(linkedEvent).toMatchObject({ userId: user.id, data: expect.objectContaining({ via: "registration", groupType: "billing" }) });
    const registered = (await t.app.queries.auditEvents.listByType("user.registered", 500)).find((e) => e.userId === user.id);
    expect(linkedEvent!.createdAt.getTime()).toBe(registered!.createdAt.getTime()); // same transaction, same now()
  });

  it("an address that already has an account: the same answer, nothing made, and the rehearsal writes (and rolls back) the link too", async () => {
    const existing = await t.createUser();
    // a sequence is not rolled back: a trigger counts every insert into virtuozzo_links, the rehearsal's too
    const db = t.app.db.prisma;
    await db.$executeRawUnsafe("CREATE SEQUENCE IF NOT EXISTS test_vz_link_inserts");
    await db.$executeRawUnsafe(
      "CREATE OR REPLACE FUNCTION test_vz_link_count() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM nextval('test_vz_link_inserts'); RETURN NEW; END $$",
    );
    await db.$executeRawUnsafe(
      "CREATE OR REPLACE TRIGGER test_vz_link_count BEFORE INSERT ON virtuozzo_links FOR EACH ROW EXECUTE FUNCTION test_vz_link_count()",
    );
    const inserted = async () => {
      const [r] = await db.$queryRawUnsafe<{ n: bigint; c: boolean }[]>("SELECT last_value AS n, is_called AS c FROM test_vz_link_inserts");
      return r!.c ? Number(r!.n) : 0;
    };
    const before = await inserted();
    const links = await t.app.db.prisma.virtuozzoLink.count();
    const teamsBefore = await t.app.db.prisma.team.count();
    const page = await register(t, {
      username: username(),
      email: existing.email,
      password: PASSWORD,
      team_name: `Taken ${Date.now().toString(36)}`,
      platform_login: "paying@platform.example",
      platform_password: PLATFORM_SECRET,
    });
    expect(page.status).toBe(200);
    expect(page.html).toContain("Check your email");
    expect(await t.app.db.prisma.virtuozzoLink.count()).toBe(links);
    expect(await t.app.db.prisma.team.count()).toBe(teamsBefore);
    expect(await inserted()).toBe(before + 1);
    await db.$executeRawUnsafe("DROP TRIGGER test_vz_link_count ON virtuozzo_links");
  });

  it("Door B (an invitation) with the plugin on: no team, so no platform account asked for and no check", async () => {
    const team = await teamWithMembers(t, "DoorB");
    const email = uniqueEmail("invited");
    const developer = (await t.app.queries.teams.roleByKey(team.teamId, "developer"))!;
    expect((await t.app.services.invitations.invite(team.teamId, team.owner.id, { email, roleId: developer.id })).outcome).toBe("sent");
    const mail = await sink.waitFor((m) => m.to.includes(email) && /\/invitations\/[\w-]+/.test(m.text));
    const token = /\/invitations\/([\w-]+)/.exec(mail.text)![1]!;
    platform.reset();
    const browser = new TestBrowser(t.url);
    const form = await browser.go(`${t.url}/register?invitation=${token}`);
    expect(form.html).not.toContain("platform_login");
    const done = await browser.submit(form, "/register", { username: username(), password: PASSWORD });
    expect(done.status).toBe(200);
    expect(await t.app.db.prisma.user.findFirst({ where: { email } })).not.toBeNull();
    expect(platform.calls.signin).toBe(0);
  });

  it("with the plugin off, Door A needs no platform account and asks the platform nothing", async () => {
    platform.reset();
    const page = await register(off, { username: username(), email: uniqueEmail("off"), password: PASSWORD, team_name: "Plain team" });
    expect(page.status).toBe(200);
    expect(platform.calls.signin).toBe(0);
    expect(await off.app.queries.auditEvents.listByType("virtuozzo.billing_check", 10)).toHaveLength(0);
    // and no plugin routes: the API and the team page do not exist
    expect((await fetch(`${off.url}/api/v1/teams/00000000-0000-4000-8000-000000000000/virtuozzo/session`)).status).toBe(404);
    expect(
      off.app.services.permissions
        .listByTab()
        .flatMap((tab) => tab.permissions.map((p) => p.code))
        .filter((c) => c.startsWith("virtuozzo.")),
    ).toEqual([]);
  });

  it("the team page: the Owner links the account (a wrong password is refused there too); a Developer has no such page", async () => {
    const team = await teamWithMembers(t, "Page", "developer");
    const signIn = async (user: { email: string; password: string }, returnTo: string) => {
      const browser = new TestBrowser(t.url);
      const login = await browser.go(`${t.url}/login?return_to=${encodeURIComponent(returnTo)}`);
      return { browser, page: await browser.submit(login, "/login", { identifier: user.email, password: user.password }) };
    };
    const { browser, page } = await signIn(team.owner, `/account/teams/${team.slug}/virtuozzo`);
    expect(page.url).toBe(`${t.url}/account/teams/${team.slug}/virtuozzo`);
    expect(page.html).toContain("No platform account is linked.");
    const wrong = await browser.submit(page, "/virtuozzo/link", { login: "paying@platform.example", password: "wrong wrong" });
    expect(wrong.status).toBe(400);
    expect(wrong.html).toContain("The platform refused these credentials");
    expect(await t.app.queries.virtuozzoLinks.find(team.teamId)).toBeNull();
    const linked = await browser.submit(wrong, "/virtuozzo/link", { login: "paying@platform.example", password: PLATFORM_SECRET });
    expect(linked.status).toBe(200);
    expect(linked.html).toContain("The team is linked to paying@platform.example (group type billing).");
    expect(linked.html).not.toContain(PLATFORM_SECRET);
    const link = await t.app.queries.virtuozzoLinks.find(team.teamId);
    expect(link).toMatchObject({ linkedById: team.owner.id, groupType: "billing" });
    // since when, written as every page writes a date (the viewer's zone, here UTC, named)
    expect(linked.html).toContain(`<dd>${formatDateTime(link!.updatedAt, "en")}</dd>`);
    // the authorized clients: shown on the page, set by the Owner there (an unknown client id is refused, nothing changed)
    expect(linked.html).toMatch(/id="vz-clients">none</);
    const { clientId } = await t.createClient({
      name: "Page deployer",
      type: "confidential",
      grantTypes: ["client_credentials"],
      redirectUris: [],
    });
    const unknown = await browser.submit(linked, "/virtuozzo/clients", { clientIds: "no-such-client" });
    expect(unknown.status).toBe(400);
    expect(unknown.html).toContain("There is no client no-such-client.");
    const set = await browser.submit(unknown, "/virtuozzo/clients", { clientIds: clientId });
    expect(set.status).toBe(200);
    expect(set.html).toContain(`id="vz-clients">${clientId}<`);
    expect((await t.app.queries.virtuozzoLinks.find(team.teamId))!.clientIds).toEqual([clientId]);
    const dev = await signIn(team.members[0]!, `/account/teams/${team.slug}`);
    expect(dev.page.html).not.toContain("/virtuozzo");
    expect((await dev.browser.go(`${t.url}/account/teams/${team.slug}/virtuozzo`)).status).toBe(403);
  });
});
