// Registration with teams through real HTTP, real Postgres, Redis and mail. Door A: the new user owns a new team
// (address from the name, or typed), refusals come in the form's order and create nothing, a taken address is
// refused before the account exists (and under parallel registrations exactly one wins, no account left
// behind), an address that has an account still gets the same page. Door B: /register?invitation= hides the
// team, locks the invited address, and the verified account joins the invited team.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { startTestApp, uniqueEmail, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser, type Page } from "../helpers/browser.ts";
import { startSmtpSink } from "../helpers/smtp-sink.ts";
import { createTeam } from "../helpers/team-flow.ts";

const PASSWORD = "quiet lantern over the marsh";

describe("registration with teams", () => {
  let t: TestApp;
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startTestApp({ SMTP_URL: sink.url });
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });

  let n = 0;
  const username = () => `r${Date.now().toString(36)}${++n}`;
  const slug = (tag: string) => `${tag}-${Date.now().toString(36)}-${++n}`;
  const register = async (fields: Record<string, string>, path = "/register", browser = new TestBrowser(t.url)): Promise<Page> =>
    browser.submit(await browser.go(`${t.url}${path}`), "/register", fields);
  const users = () => t.app.db.prisma.user.count();
  const teams = () => t.app.db.prisma.team.count();
  const verify = async (email: string) => {
    const mail = await sink.waitFor((m) => m.to.includes(email) && m.subject.startsWith("Confirm your email"));
    const link = /https?:\/\/\S+\/verify-email\?token=[\w-]+/.exec(mail.text)![0];
    const browser = new TestBrowser(t.url);
    return browser.submit(await browser.go(link), "/verify-email", {});
  };

  it("the form asks for a team name and an optional address (no team fields on /admin-register)", async () => {
    const page = await new TestBrowser(t.url).go(`${t.url}/register`);
    expect(page.html).toContain('<label for="team_name">Team name</label>');
    expect(page.html).toMatch(/<input id="team_name" name="team_name"[^>]*aria-required="true"/);
    expect(page.html).toContain('<label for="team_slug">Team address (optional)</label>');
    expect(page.html).toMatch(/<input id="team_slug" name="team_slug"[^>]*data-slug-from="team_name"/);
    const admin = await new TestBrowser(t.url).go(`${t.url}/admin-register`);
    expect(admin.html).not.toContain("team_name");
    expect(admin.html).not.toContain("team_slug");
  });

  it("Door A: the new user owns a new team with the built-in roles; the address is made from the name", async () => {
    const email = uniqueEmail("doora");
    const name = `Acme Research & Co ${Date.now().toString(36)}`;
    const done = await register({ username: username(), email, password: PASSWORD, team_name: name });
    expect(done.status).toBe(200);
    expect(done.html).toContain("Check your email");
    const user = await t.app.db.prisma.user.findFirstOrThrow({ where: { email } });
    const [membership] = await t.app.queries.teams.membershipsOf(user.id);
    expect(membership!.team.name).toBe(name);
    expect(t.app.services.teams.validateTeam({ name })).toMatchObject({ slug: membership!.team.slug });
    expect(membership!.team.slug).toMatch(/^acme-research-co-[a-z0-9]+$/);
    expect(membership!.role.key).toBe("owner");
    expect(membership!.role.permissions).toEqual(["*"]);
    expect((await t.app.queries.teams.roles(membership!.team.id)).map((r) => r.key).sort()).toEqual(["developer", "manager", "owner"]);
    const types = (await t.app.queries.auditEvents.listForUser(user.id)).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(["user.registered", "team.created"]));
    expect((await verify(email)).html).toContain("Email confirmed");

    // a typed address wins (lower-cased)
    const typed = slug("Typed").toUpperCase();
    const email2 = uniqueEmail("typed");
    expect(
      (await register({ username: username(), email: email2, password: PASSWORD, team_name: "Typed team", team_slug: typed })).status,
    ).toBe(200);
    const owner = await t.app.db.prisma.user.findFirstOrThrow({ where: { email: email2 } });
    expect((await t.app.queries.teams.membershipsOf(owner.id))[0]!.team.slug).toBe(typed.toLowerCase());
  });

  it("refusals come in the form's order, under their field, and create nothing", async () => {
    const before = [await users(), await teams()];
    // a weak password and no team name: the password's message (the earlier field), only that one
    const weak = await register({ username: username(), email: uniqueEmail(), password: "password1234", team_name: "" });
    expect(weak.status).toBe(400);
    expect(weak.html).toContain('id="password-error"');
    expect(weak.html).not.toContain('id="team_name-error"');
    const missing = await register({ username: username(), email: uniqueEmail(), password: PASSWORD, team_name: "  " });
    expect(missing.status).toBe(400);
    expect(missing.html).toMatch(/id="team_name-error">[\s\S]*Enter a name for your team\./);
    expect(missing.html).toMatch(/<input id="team_name"[^>]*aria-invalid="true"/);
    const badSlug = await register({
      username: username(),
      email: uniqueEmail(),
      password: PASSWORD,
      team_name: "Fine name",
      team_slug: "-bad slug!",
    });
    expect(badSlug.status).toBe(400);
    expect(badSlug.html).toMatch(/id="team_slug-error">[\s\S]*Team addresses have 1 to 48 lower-case letters/);
    expect(badSlug.html).toContain('value="Fine name"'); // what was typed comes back
    expect([await users(), await teams()]).toEqual(before);
  });

  it("a taken team address is refused with a clear message before the account exists; nothing is created", async () => {
    const owner = await t.createUser();
    const taken = await createTeam(t, owner.id);
    const before = [await users(), await teams()];
    const name = username();
    const email = uniqueEmail("taken");
    const refused = await register({ username: name, email, password: PASSWORD, team_name: "Another team", team_slug: taken.slug });
    expect(refused.status).toBe(400);
    expect(refused.html).toMatch(/id="team_slug-error">[\s\S]*That team address is taken\. Please choose another\./);
    // the same for a name that derives the taken address
    const derived = await register({ username: username(), email: uniqueEmail(), password: PASSWORD, team_name: taken.name });
    expect(derived.html).toContain("That team address is taken");
    expect([await users(), await teams()]).toEqual(before);
    await t.app.services.mailer.idle();
    expect(sink.messages.filter((m) => m.to.includes(email))).toHaveLength(0);
    // the username and address were not used up: the same registration with another team goes through
    expect((await register({ username: name, email, password: PASSWORD, team_name: "Another team", team_slug: slug("free") })).status).toBe(
      200,
    );
  });

  it("a registration is one transaction with its audit events: a failure at the last event leaves no account, team, link or email", async () => {
    // Postgres refuses the registration's last write (its team.created event), as a restart at that moment would
    const db = t.app.db.prisma;
    await db.$executeRawUnsafe(`CREATE OR REPLACE FUNCTION gh_test_refuse_team_created() RETURNS trigger AS $$ BEGIN
      IF NEW.type = 'team.created' THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`);
    await db.$executeRawUnsafe(
      `CREATE TRIGGER gh_test_refuse BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION gh_test_refuse_team_created()`,
    );
    const email = uniqueEmail("atomic");
    const teamSlug = slug("atomic");
    const before = { users: await users(), teams: await teams(), mails: sink.messages.length, events: await db.auditEvent.count() };
    try {
      const failed = await register({ username: username(), email, password: PASSWORD, team_name: "Atomic team", team_slug: teamSlug });
      expect(failed.status).toBe(500);
    } finally {
      await db.$executeRawUnsafe("DROP TRIGGER gh_test_refuse ON audit_events");
      await db.$executeRawUnsafe("DROP FUNCTION gh_test_refuse_team_created()");
    }
    expect(await db.user.findFirst({ where: { email } })).toBeNull();
    expect(await db.team.findUnique({ where: { slug: teamSlug } })).toBeNull();
    expect({ users: await users(), teams: await teams(), events: await db.auditEvent.count() }).toEqual({
      users: before.users,
      teams: before.teams,
      events: before.events,
    });
    await new Promise((r) => setTimeout(r, 300)); // a mail would be on its way by now
    expect(sink.messages.slice(before.mails).filter((m) => m.to.includes(email))).toEqual([]);

    // the same registration again succeeds whole: the account, its team, the link, both events, the email
    const done = await register({ username: username(), email, password: PASSWORD, team_name: "Atomic team", team_slug: teamSlug });
    expect(done.status).toBe(200);
    const user = await db.user.findFirstOrThrow({ where: { email } });
    const events = await db.auditEvent.findMany({ where: { userId: user.id }, orderBy: { id: "asc" } });
    expect(events.map((e) => e.type)).toEqual(["user.registered", "team.created"]);
    expect(events[1]!.data).toMatchObject({ slug: teamSlug, via: "registration" });
    await sink.waitFor((m) => m.to.includes(email) && m.subject.startsWith("Confirm your email"));
  });

  it("an address that has an account costs the database the same inserts, rolled back: nothing of them remains", async () => {
    // sequences move on whether a transaction commits or not: the same number of audit rows was written both ways
    const db = t.app.db.prisma;
    const auditSeq = async () =>
      Number((await db.$queryRawUnsafe<{ last_value: bigint }[]>("SELECT last_value FROM audit_events_id_seq"))[0]!.last_value);
    const fields = (email: string) => ({
      username: username(),
      email,
      password: PASSWORD,
      team_name: "Same work",
      team_slug: slug("same"),
    });
    const fresh = uniqueEmail("same-new");
    let at = await auditSeq();
    expect((await register(fields(fresh))).status).toBe(200);
    const newAccountEvents = (await auditSeq()) - at;
    expect(newAccountEvents).toBe(2); // user.registered, team.created

    const counts = async () => ({
      users: await users(),
      teams: await teams(),
      links: await db.emailVerificationToken.count(),
      events: await db.auditEvent.count(),
    });
    const before = await counts();
    at = await auditSeq();
    const again = await register(fields(fresh)); // the address has an account now
    expect(again.status).toBe(200);
    expect(again.html).toContain("Check your email");
    expect((await auditSeq()) - at).toBe(newAccountEvents);
    expect(await counts()).toEqual(before);
    expect(await db.user.count({ where: { email: { endsWith: "@gatehouse.invalid" } } })).toBe(0);
  });

  it("parallel registrations for one team address: exactly one account and one team; the others are refused", async () => {
    const wanted = slug("race");
    const before = await users();
    const attempts = await Promise.all(
      Array.from({ length: 5 }, () =>
        register({ username: username(), email: uniqueEmail("race"), password: PASSWORD, team_name: "Race team", team_slug: wanted }),
      ),
    );
    expect(attempts.filter((p) => p.status === 200)).toHaveLength(1);
    for (const p of attempts.filter((a) => a.status !== 200)) {
      expect(p.status).toBe(400);
      expect(p.html).toContain("That team address is taken");
    }
    expect(await users()).toBe(before + 1);
    const team = await t.app.queries.teams.findBySlug(wanted);
    expect(await t.app.queries.teams.members(team!.id)).toHaveLength(1);
  });

  it("an address that has an account gets the same page (its owner is told); a taken team address is refused alike for both", async () => {
    const existing = await t.createUser();
    const beforeTeams = await teams();
    const page = await register({
      username: username(),
      email: existing.email,
      password: PASSWORD,
      team_name: "Shadow team",
      team_slug: slug("shadow"),
    });
    const fresh = uniqueEmail("fresh");
    const control = await register({
      username: username(),
      email: fresh,
      password: PASSWORD,
      team_name: "Control team",
      team_slug: slug("control"),
    });
    expect(page.status).toBe(control.status);
    expect(page.html.replace(existing.email, "X")).toBe(control.html.replace(fresh, "X"));
    expect(await teams()).toBe(beforeTeams + 1); // only the fresh account's
    expect((await sink.waitFor((m) => m.to.includes(existing.email))).subject).toBe("Someone tried to register with your email address");

    const taken = (await t.app.db.prisma.team.findFirstOrThrow({ where: { name: "Control team" } })).slug;
    const other = uniqueEmail("other");
    const a = await register({ username: "samename1", email: existing.email, password: PASSWORD, team_name: "X team", team_slug: taken });
    const b = await register({ username: "samename1", email: other, password: PASSWORD, team_name: "X team", team_slug: taken });
    expect([a.status, b.status]).toEqual([400, 400]);
    const normalized = (p: Page, address: string) => p.html.replaceAll(address, "X").replace(/name="_csrf" value="[^"]*"/, "");
    expect(normalized(a, existing.email)).toBe(normalized(b, other));
    expect(a.html).toContain("That team address is taken");

    // the address the existing-account attempt asked for is taken afterwards too, exactly as the fresh one's is:
    // otherwise trying it again would tell whether that email has an account
    const shadow = slug("shadow2");
    await register({ username: username(), email: existing.email, password: PASSWORD, team_name: "Shadow two", team_slug: shadow });
    const probe = await register({
      username: username(),
      email: uniqueEmail("probe"),
      password: PASSWORD,
      team_name: "Probe",
      team_slug: shadow,
    });
    expect(probe.status).toBe(400);
    expect(probe.html).toContain("That team address is taken");
  });

  describe("Door B: from an invitation", () => {
    async function invite(email: string) {
      const owner = await t.createUser();
      const team = await createTeam(t, owner.id);
      const developer = (await t.app.queries.teams.roleByKey(team.id, "developer"))!;
      const sent = await t.app.services.invitations.invite(team.id, owner.id, { email, roleId: developer.id });
      expect(sent.outcome).toBe("sent");
      const mail = await sink.waitFor((m) => m.to.includes(email) && /\/invitations\/[\w-]+/.test(m.text));
      return { team, token: /\/invitations\/([\w-]+)/.exec(mail.text)![1]! };
    }

    it("hides the team, locks the invited address; once verified, the account joins with the invited role", async () => {
      const email = uniqueEmail("invited");
      const { team, token } = await invite(email);
      const browser = new TestBrowser(t.url);
      const form = await browser.go(`${t.url}/register?invitation=${token}`);
      expect(form.status).toBe(200);
      expect(form.html).not.toContain("team_name");
      expect(form.html).toContain(`You are invited to join <strong>${team.name}</strong> as Developer.`);
      expect(form.html).toMatch(
        new RegExp(`<input id="email" name="email" type="email" value="${email.replace(/[.+]/g, "\\$&")}"[^>]*readonly`),
      );
      expect(form.html).toContain(`action="/register?invitation=${token}"`);

      const beforeTeams = await teams();
      // the locked address is the invitation's, whatever the body says
      const done = await browser.submit(form, "/register", { username: username(), password: PASSWORD, email: uniqueEmail("ignored") });
      expect(done.status).toBe(200);
      expect(done.html).toContain(email);
      expect(await teams()).toBe(beforeTeams); // Door B makes no team
      const user = await t.app.db.prisma.user.findFirstOrThrow({ where: { email } });
      expect(await t.app.queries.teams.membership(team.id, user.id)).toBeNull(); // not before the address is confirmed

      const verified = await verify(email);
      expect(verified.html).toContain(`You joined ${team.name} as Developer.`);
      const membership = await t.app.queries.teams.membership(team.id, user.id);
      expect(membership!.role.key).toBe("developer");
      expect(await t.app.services.registration.takeInvitation(user.id)).toBeNull(); // used once
      const accepted = await t.app.db.prisma.invitation.findFirstOrThrow({ where: { email } });
      expect(accepted.acceptedAt).not.toBeNull();
    });

    it("an invitation that no longer works: a clear message and the ordinary form; admin invitations are not for this page", async () => {
      const email = uniqueEmail("late");
      const { token } = await invite(email);
      await t.app.db.prisma.invitation.updateMany({ where: { email }, data: { revokedAt: new Date() } });
      const page = await new TestBrowser(t.url).go(`${t.url}/register?invitation=${token}`);
      expect(page.status).toBe(200);
      expect(page.html).toContain("This invitation was withdrawn. You can still create an account with a team of your own below.");
      expect(page.html).toContain('name="team_name"');
      const unknown = await new TestBrowser(t.url).go(`${t.url}/register?invitation=${"x".repeat(43)}`);
      expect(unknown.html).toContain("This invitation link is not valid.");
      expect(unknown.html).not.toContain("readonly");
    });
  });
});
