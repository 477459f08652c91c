// Invitations end to end with real mail: a Manager invites from the page (roles offered only within their own
// permissions), the email (HTML and text) names the team, the role and who invited; the link shows what it is,
// sends a signed-out visitor to sign in or register and back, joins a signed-in invitee with the invited
// address, refuses another address, and gives clear pages for used, replaced, revoked and expired links and for
// members. Resend and revoke; per-address and per-IP limits; Door B and administrator invitations (service).
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { startTestApp, uniqueEmail, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser, parseForms, type Page } from "../helpers/browser.ts";
import { startSmtpSink, type ReceivedMail } from "../helpers/smtp-sink.ts";
import { teamWithMembers } from "../helpers/team-flow.ts";
import { sha256 } from "../../src/lib/crypto.ts";
import { formatDateTime } from "../../src/lib/i18n/index.ts";
import type { Clock } from "../../src/lib/clock.ts";

const DAY = 86_400_000;

describe("invitations", () => {
  let t: TestApp;
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  let offset = 0;
  const clock: Clock = { now: () => new Date(Date.now() + offset), epoch: () => Math.floor((Date.now() + offset) / 1000) };

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startTestApp({ SMTP_URL: sink.url }, { clock });
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });

  const team = (...roles: string[]) => teamWithMembers(t, "Invite", ...roles);
  const roleId = async (teamId: string, key: string) => (await t.app.queries.teams.roleByKey(teamId, key))!.id;
  async function signIn(
    user: { email: string; password: string },
    returnTo: string,
    browser = new TestBrowser(t.url),
  ): Promise<{ browser: TestBrowser; page: Page }> {
    const login = await browser.go(`${t.url}/login?return_to=${encodeURIComponent(returnTo)}`);
    return { browser, page: await browser.submit(login, "/login", { identifier: user.email, password: user.password }) };
  }
  const tokenIn = (mail: ReceivedMail) => /\/invitations\/([\w-]{43})/.exec(mail.text)![1]!;
  const mailTo = (address: string, after = 0) =>
    sink.waitFor((m) => m.to.some((to) => to.toLowerCase() === address.toLowerCase()) && sink.messages.indexOf(m) >= after);
  /** invites through the service (the pages are tested on their own below) and returns the emailed token */
  async function invited(teamId: string, actorId: string, email: string, key = "developer") {
    await t.app.outbox.idle(); // earlier tests' mails leave the outbox first (it sends asynchronously)
    const before = sink.messages.length;
    const result = await t.app.services.invitations.invite(teamId, actorId, { email, roleId: await roleId(teamId, key) });
    if (result.outcome !== "sent") throw new Error(`not sent: ${JSON.stringify(result)}`);
    return tokenIn(await mailTo(email, before));
  }

  it("a Manager invites from the page; the email names team, role and inviter; pending shows role and expiry", async () => {
    const {
      teamId,
      slug,
      name,
      owner,
      members: [manager],
    } = await team("manager");
    await t.app.queries.users.updateProfile(manager!.id, { name: "Mara <Manager>" });
    const finance = await t.app.services.teamRoles.create(teamId, owner.id, {
      name: "Finance",
      permissions: ["gatehouse.team.billing.manage"],
    });
    if (finance.outcome !== "created") throw new Error("no finance role");
    const { browser, page } = await signIn(manager!, `/account/teams/${slug}/invitations`);
    expect(page.status).toBe(200);
    // only roles within the Manager's own permissions are offered
    const options = [...page.html.matchAll(/<option value="([^"]+)"[^>]*>([^<]+)<\/option>/g)].map((m) => m[2]);
    expect(options.sort()).toEqual(["Developer", "Manager"]);

    const email = uniqueEmail("Invitee").replace("invitee", "InVitee");
    await t.app.outbox.idle(); // earlier tests' mails leave the outbox first (it sends asynchronously)
    const before = sink.messages.length;
    const sent = await browser.submit(page, "/invitations", { email, roleId: await roleId(teamId, "developer") });
    expect(sent.status).toBe(200);
    expect(sent.html).toContain(`An invitation was sent to ${email}.`);
    const mail = await mailTo(email, before);
    expect(mail.subject).toBe("You have been invited to Gatehouse");
    expect(mail.text).toContain(`Mara <Manager> invited you to join the team ${name} on Gatehouse as Developer.`);
    expect(mail.text).toContain("7 days");
    expect(mail.html).toContain(
      "<strong>Mara &lt;Manager&gt;</strong> invited you to join the team <strong>" +
        name +
        "</strong> on Gatehouse as <strong>Developer</strong>",
    );
    const token = tokenIn(mail);
    expect(mail.html).toContain(`${t.url}/invitations/${token}`);
    // only the hash is kept, and the link expires in 7 days
    const row = await t.app.queries.invitations.findByTokenHash(sha256(token));
    expect(row).toMatchObject({ email, emailNormalized: email.toLowerCase(), teamId, invitedById: manager!.id, acceptedAt: null });
    expect(Math.abs(row!.expiresAt.getTime() - clock.now().getTime() - 7 * DAY)).toBeLessThan(60_000);
    expect(JSON.stringify(row)).not.toContain(token);

    const listed = await browser.go(`${t.url}/account/teams/${slug}/invitations`);
    const item = listed.html.slice(listed.html.indexOf(`id="invitation-${row!.id}"`));
    expect(item).toContain(email);
    expect(item).toContain("Developer");
    // the date as every page writes it (the viewer has no time zone of their own: UTC, named)
    expect(item).toContain(`expires ${formatDateTime(row!.expiresAt, "en")}`);
    expect(formatDateTime(row!.expiresAt, "en")).toMatch(/^[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{2}:\d{2} [AP]M UTC$/);
    expect(item).toContain("Invited by Mara &lt;Manager&gt;");
    const audit = await t.app.queries.auditEvents.listByType("team.invitation.created", 200);
    expect(audit.some((e) => e.actorId === manager!.id && (e.data as { invitationId?: string }).invitationId === row!.id)).toBe(true);
  });

  it("bad or forbidden invitations re-render with a message and send nothing", async () => {
    const {
      teamId,
      slug,
      owner,
      members: [manager, developer],
    } = await team("manager", "developer");
    const finance = await t.app.services.teamRoles.create(teamId, owner.id, {
      name: "Finance",
      permissions: ["gatehouse.team.billing.manage"],
    });
    if (finance.outcome !== "created") throw new Error("no finance role");
    const pending = uniqueEmail("pending");
    await invited(teamId, owner.id, pending);
    const { browser, page } = await signIn(manager!, `/account/teams/${slug}/invitations`);
    await t.app.outbox.idle(); // earlier tests' mails leave the outbox first (it sends asynchronously)
    const before = sink.messages.length;
    const rowsBefore = (await t.app.queries.invitations.pendingForTeam(teamId, clock.now())).length;
    const cases: [Record<string, string>, number, string][] = [
      [{ email: "not an address", roleId: await roleId(teamId, "developer") }, 400, "Enter a valid email address."],
      [{ email: uniqueEmail("x"), roleId: finance.role.id }, 403, "You cannot invite as Finance"],
      [{ email: uniqueEmail("x"), roleId: await roleId(teamId, "owner") }, 403, "exactly one Owner"],
      [{ email: developer!.email, roleId: await roleId(teamId, "developer") }, 400, "is already a member of this team"],
      [{ email: pending.toUpperCase(), roleId: await roleId(teamId, "developer") }, 400, "already has a pending invitation"],
      [{ email: uniqueEmail("x"), roleId: await roleId(teamId, "developer"), _csrf: "forged" }, 403, "This form has expired"],
    ];
    for (const [fields, status, message] of cases) {
      const res = await browser.submit(page, "/invitations", fields);
      expect(res.status, message).toBe(status);
      expect(res.html).toContain(message);
    }
    expect((await t.app.queries.invitations.pendingForTeam(teamId, clock.now())).length).toBe(rowsBefore);
    await t.app.services.mailer.idle();
    await t.app.outbox.idle(); // anything wrongly queued is sent by now
    expect(sink.messages.length).toBe(before);

    // a Developer may not open the page; someone from another team sees no team at all
    const dev = await signIn(developer!, `/account/teams/${slug}/invitations`);
    expect(dev.page.status).toBe(403);
    const other = await team();
    expect((await browser.go(`${t.url}/account/teams/${other.slug}/invitations`)).status).toBe(404);
  });

  it("signed out: the link shows team and role and links to sign in or register; after sign-in, Accept joins with the role", async () => {
    const { teamId, name, owner } = await team();
    const invitee = await t.createUser({ email: uniqueEmail("joiner") });
    const token = await invited(teamId, owner.id, invitee.email.toUpperCase());
    const browser = new TestBrowser(t.url);
    const landing = await browser.go(`${t.url}/invitations/${token}`);
    expect(landing.status).toBe(200);
    expect(landing.html).toContain(`Join ${name}`);
    expect(landing.html).toContain("as <strong>Developer</strong>");
    expect(landing.html).toContain(`href="/login?return_to=${encodeURIComponent(`/invitations/${token}`)}"`);
    expect(landing.html).toContain(`href="/register?invitation=${token}"`);
    expect(landing.html).not.toContain(invitee.email); // the address is masked for whoever holds the link
    expect(await t.app.queries.teams.membership(teamId, invitee.id)).toBeNull();

    const login = await browser.go(`${t.url}/login?return_to=${encodeURIComponent(`/invitations/${token}`)}`);
    const ready = await browser.submit(login, "/login", { identifier: invitee.email, password: invitee.password });
    expect(ready.url).toBe(`${t.url}/invitations/${token}`);
    expect(ready.html).toContain("Accept the invitation");
    expect(await t.app.queries.teams.membership(teamId, invitee.id)).toBeNull(); // a GET changes nothing
    const joined = await browser.submit(ready, `/invitations/${token}`, {});
    expect(joined.status).toBe(200);
    expect(joined.html).toContain(`You joined <strong>${name}</strong> as <strong>Developer</strong>.`);
    expect((await t.app.queries.teams.membership(teamId, invitee.id))!.role.key).toBe("developer");
    const event = (await t.app.queries.auditEvents.listForUser(invitee.id)).find((e) => e.type === "team.invitation.accepted");
    expect(event).toMatchObject({ actorId: owner.id, data: { teamId, role: "developer" } });

    // single use: the page and the POST say so, and nothing changes
    const again = await browser.go(`${t.url}/invitations/${token}`);
    expect(again.status).toBe(410);
    expect(again.html).toContain("This invitation was already accepted.");
    expect((await browser.submit(ready, `/invitations/${token}`, {})).status).toBe(410);
    expect((await browser.submit(ready, `/invitations/${token}`, {}, { origin: "https://evil.example" })).status).toBe(403);
  });

  it("signed in with another address: a clear refusal, and a POST with a valid form token changes nothing", async () => {
    const { teamId, owner } = await team();
    const intended = uniqueEmail("intended");
    const token = await invited(teamId, owner.id, intended);
    const other = await t.createUser();
    const ownToken = await invited(teamId, owner.id, other.email);
    const { browser } = await signIn(other, "/account/profile");
    const refused = await browser.go(`${t.url}/invitations/${token}`);
    expect(refused.status).toBe(403);
    expect(refused.html).toContain("The invited address must match");
    expect(refused.html).toContain(`${intended.slice(0, 2)}***@example.test`);
    expect(parseForms(refused.html, refused.url).some((f) => f.action.includes("/invitations/"))).toBe(false);
    // their own invitation's form, posted to the other link
    const own = await browser.go(`${t.url}/invitations/${ownToken}`);
    const forced = await browser.submit(
      { ...own, html: own.html.replace(`/invitations/${ownToken}`, `/invitations/${token}`) },
      `/invitations/${token}`,
      {},
    );
    expect(forced.status).toBe(403);
    expect(forced.html).toContain("not for the account you are signed in with");
    expect(await t.app.queries.teams.membership(teamId, other.id)).toBeNull();
    expect((await t.app.queries.invitations.findByTokenHash(sha256(token)))!.acceptedAt).toBeNull();
  });

  it("already a member: a clear page, nothing changes and the link stays unused", async () => {
    const { teamId, slug, owner } = await team();
    const user = await t.createUser();
    const token = await invited(teamId, owner.id, user.email, "manager");
    await t.app.queries.teams.addMember(teamId, user.id, await roleId(teamId, "developer"));
    const { browser } = await signIn(user, `/invitations/${token}`);
    const page = await browser.go(`${t.url}/invitations/${token}`);
    expect(page.html).toContain("You are already a member of");
    expect(page.html).toContain(`/account/teams/${slug}`);
    const result = await t.app.services.invitations.acceptForUser(token, (await t.app.queries.users.findById(user.id))!);
    expect(result.outcome).toBe("already_member");
    expect((await t.app.queries.teams.membership(teamId, user.id))!.role.key).toBe("developer");
    expect((await t.app.queries.invitations.findByTokenHash(sha256(token)))!.acceptedAt).toBeNull();
  });

  it("resend makes a new link and kills the old; revoke (confirmed) kills the link", async () => {
    const { teamId, slug, owner } = await team();
    const email = uniqueEmail("resend");
    const first = await invited(teamId, owner.id, email);
    const { browser, page } = await signIn(owner, `/account/teams/${slug}/invitations`);
    const id = (await t.app.queries.invitations.findByTokenHash(sha256(first)))!.id;
    await t.app.outbox.idle(); // earlier tests' mails leave the outbox first (it sends asynchronously)
    const before = sink.messages.length;
    const resent = await browser.submit(page, `/invitations/${id}/resend`, {});
    expect(resent.html).toContain(`A new link was sent to ${email}; the earlier link no longer works.`);
    const second = tokenIn(await mailTo(email, before));
    expect(second).not.toBe(first);
    const old = await new TestBrowser(t.url).go(`${t.url}/invitations/${first}`);
    expect(old.status).toBe(404);
    expect(old.html).toContain("not valid or was replaced by a newer one");
    expect((await new TestBrowser(t.url).go(`${t.url}/invitations/${second}`)).status).toBe(200);

    const confirm = await browser.submit(resent, `/invitations/${id}/revoke`, {});
    expect(confirm.html).toContain(`Revoke the invitation of ${email} as Developer?`);
    expect((await new TestBrowser(t.url).go(`${t.url}/invitations/${second}`)).status).toBe(200); // not yet
    const revoked = await browser.submit(confirm, `/invitations/${id}/revoke`, {});
    expect(revoked.html).toContain(`The invitation of ${email} was revoked.`);
    expect(revoked.html).toContain("No pending invitations.");
    const dead = await new TestBrowser(t.url).go(`${t.url}/invitations/${second}`);
    expect(dead.status).toBe(410);
    expect(dead.html).toContain("This invitation was withdrawn.");
    const types = (await t.app.queries.auditEvents.listForUser(owner.id, 100)).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(["team.invitation.resent", "team.invitation.revoked"]));
  });

  it("an expired link gets a clear page and cannot be accepted", async () => {
    const { teamId, owner } = await team();
    const user = await t.createUser();
    const token = await invited(teamId, owner.id, user.email);
    offset = 7 * DAY + 60_000;
    try {
      const page = await new TestBrowser(t.url).go(`${t.url}/invitations/${token}`);
      expect(page.status).toBe(410);
      expect(page.html).toContain("This invitation has expired.");
      const result = await t.app.services.invitations.acceptForUser(token, (await t.app.queries.users.findById(user.id))!);
      expect(result).toEqual({ outcome: "invalid", reason: "expired" });
      expect(await t.app.queries.teams.membership(teamId, user.id)).toBeNull();
      // and it is no longer listed as pending
      const listed = await t.app.services.invitations.list(teamId, owner.id);
      expect(listed.outcome === "ok" && listed.invitations).toEqual([]);
    } finally {
      offset = 0;
    }
  });

  it("Door B: acceptForUser joins a new account with the invited address once it is verified", async () => {
    const { teamId, owner } = await team();
    const email = uniqueEmail("doorb");
    const token = await invited(teamId, owner.id, email, "manager");
    const fresh = await t.createUser({ email, verified: false });
    const unverified = await t.app.services.invitations.acceptForUser(token, (await t.app.queries.users.findById(fresh.id))!);
    expect(unverified).toEqual({ outcome: "unverified" });
    expect(await t.app.queries.teams.membership(teamId, fresh.id)).toBeNull();
    const someoneElse = await t.createUser();
    expect((await t.app.services.invitations.acceptForUser(token, (await t.app.queries.users.findById(someoneElse.id))!)).outcome).toBe(
      "wrong_account",
    );
    const verified = { ...(await t.app.queries.users.findById(fresh.id))!, emailVerified: true };
    const joined = await t.app.services.invitations.acceptForUser(token, verified);
    expect(joined).toMatchObject({ outcome: "joined", team: { id: teamId }, role: { key: "manager" } });
    expect((await t.app.queries.teams.membership(teamId, fresh.id))!.role.key).toBe("manager");
    // parallel acceptances of one link: one wins
    const [u1] = [await t.createUser()];
    const token2 = await invited(teamId, owner.id, u1.email);
    const row = (await t.app.queries.users.findById(u1.id))!;
    const results = await Promise.all([1, 2, 3].map(() => t.app.services.invitations.acceptForUser(token2, row)));
    expect(results.filter((r) => r.outcome === "joined")).toHaveLength(1);
    expect((await t.app.queries.teams.members(teamId)).filter((m) => m.userId === u1.id)).toHaveLength(1);
  });

  it("administrator invitations: created by an admin who may invite, accepted once by a user without a system role", async () => {
    const adminEmail = uniqueEmail("admin");
    const adminName = `adm${Date.now().toString(36)}`;
    const admin = await t.app.queries.users.create({
      email: adminEmail,
      emailNormalized: adminEmail,
      username: adminName,
      usernameNormalized: adminName,
      passwordHash: "x",
      emailVerified: true,
      systemRole: "super_admin",
    });
    const plain = await t.createUser();
    expect((await t.app.services.invitations.inviteAdmin(plain.id, { email: uniqueEmail("x"), systemRole: "super_admin" })).outcome).toBe(
      "forbidden",
    );
    const target = await t.createUser();
    await t.app.outbox.idle(); // earlier tests' mails leave the outbox first (it sends asynchronously)
    const before = sink.messages.length;
    const sent = await t.app.services.invitations.inviteAdmin(admin.id, { email: target.email, systemRole: "super_admin" });
    expect(sent.outcome).toBe("sent");
    const mail = await mailTo(target.email, before);
    expect(mail.text).toContain("invited you to help run Gatehouse as Super Admin");
    const token = tokenIn(mail);
    expect(await t.app.services.invitations.inspect(token)).toMatchObject({
      outcome: "valid",
      invitation: { kind: "admin", systemRole: { key: "super_admin" } },
    });
    const page = await new TestBrowser(t.url).go(`${t.url}/invitations/${token}`);
    expect(page.html).toContain("Administrator invitation");
    expect(page.html).not.toContain("/register?invitation=");

    const accepted = await t.app.services.invitations.acceptForUser(token, (await t.app.queries.users.findById(target.id))!);
    expect(accepted).toMatchObject({ outcome: "system_role_set", systemRole: { key: "super_admin" } });
    expect((await t.app.queries.users.findById(target.id))!.systemRole).toBe("super_admin");
    expect((await t.app.services.invitations.acceptForUser(token, (await t.app.queries.users.findById(target.id))!)).outcome).toBe(
      "invalid",
    );
    // someone who already has a system role: refused, nothing changes
    expect((await t.app.services.invitations.inviteAdmin(admin.id, { email: target.email, systemRole: "super_admin" })).outcome).toBe(
      "invalid",
    );
    const third = await t.createUser();
    const token3 = tokenIn(
      await (async () => {
        const b = sink.messages.length;
        await t.app.services.invitations.inviteAdmin(admin.id, { email: third.email, systemRole: "super_admin" });
        return mailTo(third.email, b);
      })(),
    );
    const withRole = { ...(await t.app.queries.users.findById(third.id))!, systemRole: "super_admin" };
    expect((await t.app.services.invitations.acceptForUser(token3, withRole)).outcome).toBe("already_admin");
    expect((await t.app.queries.invitations.findByTokenHash(sha256(token3)))!.acceptedAt).toBeNull();
  });

  describe("rate limits", () => {
    let limited: TestApp;
    beforeAll(async () => {
      limited = await startTestApp({ SMTP_URL: sink.url, RATE_LIMIT_ACCOUNT_PER_IDENTIFIER: "2", RATE_LIMIT_ACCOUNT_PER_IP: "3" });
    });
    afterAll(async () => {
      await limited?.close();
    });

    it("invitation emails are limited per invited address, acceptance per IP", async () => {
      const owner = await limited.createUser();
      const slug = `limited-${Date.now().toString(36)}`;
      const created = await limited.app.services.teams.createTeam(owner.id, { name: "Limited", slug });
      if (created.outcome !== "created") throw new Error("no team");
      const browser = new TestBrowser(limited.url);
      const login = await browser.go(`${limited.url}/login?return_to=${encodeURIComponent(`/account/teams/${slug}/invitations`)}`);
      const page = await browser.submit(login, "/login", { identifier: owner.email, password: owner.password });
      const email = uniqueEmail("limited");
      const developer = (await limited.app.queries.teams.roleByKey(created.teamId, "developer"))!.id;
      const invitedPage = await browser.submit(page, "/invitations", { email, roleId: developer });
      expect(invitedPage.status).toBe(200);
      const id = (await limited.app.queries.invitations.pendingForTeam(created.teamId, new Date()))[0]!.id;
      expect((await browser.submit(invitedPage, `/invitations/${id}/resend`, {})).status).toBe(200);
      await limited.app.services.mailer.idle();
      const before = sink.messages.filter((m) => m.to.includes(email)).length;
      expect(before).toBe(2);
      const third = await browser.submit(invitedPage, `/invitations/${id}/resend`, {});
      expect(third.status).toBe(429);
      expect(third.html).toContain("Too many emails to this address");
      await limited.app.services.mailer.idle();
      expect(sink.messages.filter((m) => m.to.includes(email)).length).toBe(before);

      // acceptance: a form from a real invitation page, then posted again and again
      const invitee = await limited.createUser();
      await limited.app.services.invitations.invite(created.teamId, owner.id, { email: invitee.email, roleId: developer });
      const token = tokenIn(await sink.waitFor((m) => m.to.includes(invitee.email)));
      const other = new TestBrowser(limited.url);
      const inviteeLogin = await other.go(`${limited.url}/login?return_to=${encodeURIComponent(`/invitations/${token}`)}`);
      const ready = await other.submit(inviteeLogin, "/login", { identifier: invitee.email, password: invitee.password });
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await other.submit(ready, `/invitations/${token}`, {})).status);
      expect(statuses).toEqual([200, 410, 410, 429]);
    });
  });

  describe("per-inviter limit", () => {
    let limited: TestApp;
    beforeAll(async () => {
      limited = await startTestApp({ SMTP_URL: sink.url, RATE_LIMIT_INVITES_PER_USER: "2" });
    });
    afterAll(async () => {
      await limited?.close();
    });

    it("one account cannot mail invitations to address after address: 429 after its hourly budget", async () => {
      const owner = await limited.createUser();
      const slug = `inviter-${Date.now().toString(36)}`;
      const created = await limited.app.services.teams.createTeam(owner.id, { name: "Inviter", slug });
      if (created.outcome !== "created") throw new Error("no team");
      const browser = new TestBrowser(limited.url);
      const login = await browser.go(`${limited.url}/login?return_to=${encodeURIComponent(`/account/teams/${slug}/invitations`)}`);
      const page = await browser.submit(login, "/login", { identifier: owner.email, password: owner.password });
      const developer = (await limited.app.queries.teams.roleByKey(created.teamId, "developer"))!.id;
      const statuses = [];
      for (let i = 0; i < 3; i++)
        statuses.push((await browser.submit(page, "/invitations", { email: uniqueEmail(`spam${i}`), roleId: developer })).status);
      expect(statuses).toEqual([200, 200, 429]);
      expect(await limited.app.queries.invitations.pendingForTeam(created.teamId, new Date())).toHaveLength(2);
    });
  });
});
