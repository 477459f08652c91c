// The operators' user commands run as a real process (`npm run gatehouse -- …`) against a test app's Postgres,
// Redis and SMTP sink: import-users (dry run, per-row errors with line numbers, all rows or none, duplicates,
// bad team or role, --send-reset), list-users as text and JSON, disable-user and enable-user by email and
// username, each audited with the actor "cli".
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { gatehouseCli, type CliRunner } from "../helpers/cli.ts";
import { startSmtpSink } from "../helpers/smtp-sink.ts";
import { createTeam, type TestTeam } from "../helpers/team-flow.ts";
import { TestBrowser } from "../helpers/browser.ts";
import { authorizationRequest, passwordStep } from "../helpers/totp-login.ts";
import { discover } from "../helpers/oidc-flow.ts";

const REDIRECT = "https://rp.example.test/cb";

describe("gatehouse user commands", () => {
  let t: TestApp;
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  let team: TestTeam;
  let gatehouse: CliRunner;
  const dir = mkdtempSync(path.join(os.tmpdir(), "gatehouse-cli-users-"));
  const tag = `imp${Date.now().toString(36)}`;

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startTestApp({ SMTP_URL: sink.url });
    const owner = await t.createUser();
    team = await createTeam(t, owner.id);
    gatehouse = gatehouseCli(t, { env: { SMTP_URL: sink.url } });
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const csv = (name: string, lines: string[]) => {
    const file = path.join(dir, name);
    writeFileSync(file, `${lines.join("\n")}\n`);
    return file;
  };
  const byEmail = (email: string) =>
    t.app.db.prisma.user.findUnique({
      where: { emailNormalized: email.toLowerCase() },
      include: { memberships: { include: { role: true } } },
    });

  it("a file with bad rows: the report names each line, column and reason; with or without --dry-run nothing is created", async () => {
    const existing = await t.createUser();
    const file = csv("bad.csv", [
      "email,username,name,team,role",
      `${tag}-ok@example.test,,,,`,
      "not-an-email,,,,",
      `${tag}-OK@example.test,other${tag},,,`,
      `${existing.email},,,,`,
      `${tag}-team@example.test,,,no-such-team,`,
      `${tag}-role@example.test,,,${team.slug},astronaut`,
      `${tag}-owner@example.test,,,${team.slug},owner`,
      "a+b@example.test,,,,",
      `${tag}-name@example.test,${existing.username},,,`,
      `${tag}-lonely@example.test,,,,manager`,
    ]);
    for (const dryRun of [["--dry-run"], []]) {
      const run = await gatehouse("import-users", file, ...dryRun);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain("gatehouse: 9 of 10 row(s) are invalid; nothing was imported");
      expect(run.stdout.trim().split("\n")).toEqual([
        'line 3, email: "not-an-email" is not a valid email address',
        `line 4, email: ${tag}-OK@example.test is also on line 2`,
        `line 5, email: an account with ${existing.email} exists`,
        `line 5, username: the username ${existing.username} is taken`,
        'line 6, team: no team with the slug "no-such-team"',
        `line 7, role: team ${team.slug} has no role "astronaut"`,
        "line 8, role: a team has exactly one Owner; import members with another role",
        'line 9, username: "a+b" (from the email) must be 3-32 letters, digits, ".", "_" or "-"',
        `line 10, username: ${existing.username} is also on line 5`,
        "line 11, role: a role needs a team (the team column is empty)",
      ]);
      expect(await byEmail(`${tag}-ok@example.test`)).toBeNull();
    }
    expect(await t.app.db.prisma.auditEvent.count({ where: { type: "user.import", actorId: "cli", outcome: "failure" } })).toBe(2);
  }, 120_000);

  it("a dry run of a valid file prints what would be created and changes nothing; the import creates all rows, emails reset links; again: duplicates", async () => {
    const file = csv("good.csv", [
      "Email,Username,Name,Team,Role",
      `${tag}-ann@example.test,ann${tag},"Doe, Ann",${team.slug},`,
      `${tag}-ben@example.test,,Ben,${team.slug.toUpperCase()},manager`,
      `${tag}-cy@example.test,,,,`,
    ]);
    const dry = await gatehouse("import-users", file, "--dry-run");
    expect(dry, dry.stderr).toMatchObject({ code: 0 });
    expect(dry.stdout).toContain("Dry run: all 3 row(s) are valid.");
    expect(dry.stdout).toContain(`line 2: ${tag}-ann@example.test (username ann${tag}, name Doe, Ann) in ${team.slug} as developer`);
    expect(dry.stdout).toContain(`line 3: ${tag}-ben@example.test (username ${tag}-ben, name Ben) in ${team.slug} as manager`);
    expect(dry.stdout).toContain(`line 4: ${tag}-cy@example.test (username ${tag}-cy)`);
    expect(dry.stdout).toContain("Nothing was changed.");
    expect(await byEmail(`${tag}-ann@example.test`)).toBeNull();

    const real = await gatehouse("import-users", file, "--send-reset");
    expect(real, real.stderr).toMatchObject({ code: 0 });
    expect(real.stdout).toContain("Imported 3 account(s):");
    expect(real.stdout).toContain("Emailed 3 password reset link(s)");
    const ann = await byEmail(`${tag}-ann@example.test`);
    expect(ann).toMatchObject({
      username: `ann${tag}`,
      name: "Doe, Ann",
      emailVerified: true,
      passwordHash: null,
      disabled: false,
      systemRole: null,
    });
    expect(ann!.memberships.map((m) => [m.teamId, m.role.key])).toEqual([[team.id, "developer"]]);
    expect((await byEmail(`${tag}-ben@example.test`))!.memberships.map((m) => m.role.key)).toEqual(["manager"]);
    expect((await byEmail(`${tag}-cy@example.test`))!.memberships).toEqual([]);
    expect(real.stdout).toContain(`id ${ann!.id}`);
    for (const who of ["ann", "ben", "cy"]) {
      const mail = await sink.waitFor((m) => m.to.includes(`${tag}-${who}@example.test`));
      expect(mail.text).toContain(`${t.url}/reset-password?token=`);
      expect(real.stdout).not.toContain(mail.text.match(/token=([\w-]+)/)![1]);
    }
    const created = await t.app.db.prisma.auditEvent.findMany({ where: { type: "user.created", userId: ann!.id } });
    expect(created.map((e) => [e.actorId, (e.data as { via: string }).via])).toEqual([["cli", "import"]]);
    // no password yet: the password step refuses anything
    const { clientId, clientSecret } = await t.createClient({
      name: "CLI RP",
      type: "confidential",
      redirectUris: [REDIRECT],
      firstParty: true,
    });
    const rp = await discover(t.url, clientId, clientSecret);
    const refused = await passwordStep(new TestBrowser(t.url), (await authorizationRequest(rp, REDIRECT)).url, REDIRECT, {
      identifier: ann!.email,
      password: "anything at all 123",
    });
    expect(refused.status).toBe(401);
    // the emailed link sets the first password, which then signs in
    const annMail = await sink.waitFor((m) => m.to.includes(ann!.email));
    const token = annMail.text.match(/token=([\w-]+)/)![1]!;
    const link = await t.app.services.passwordReset.inspect(token);
    if (link.outcome !== "valid") throw new Error("the reset link is not valid");
    const password = `a first password for ${tag}`;
    expect((await t.app.services.passwordReset.complete(link, token, password, undefined, { ip: null, userAgent: null })).outcome).toBe(
      "done",
    );
    const signedIn = await passwordStep(new TestBrowser(t.url), (await authorizationRequest(rp, REDIRECT)).url, REDIRECT, {
      identifier: ann!.username,
      password,
    });
    expect(signedIn.url).toContain(REDIRECT);

    const again = await gatehouse("import-users", file);
    expect(again.code).toBe(2);
    expect(again.stdout).toContain(`line 2, email: an account with ${tag}-ann@example.test exists`);
    expect(again.stdout).toContain(`line 2, username: the username ann${tag} is taken`);
    expect(again.stderr).toContain("3 of 3 row(s) are invalid");
  }, 120_000);

  it("list-users as text and JSON, with the query, team and disabled filters; disable-user and enable-user by email and username", async () => {
    const text = await gatehouse("list-users", "--query", `${tag}-`, "--limit", "2");
    expect(text, text.stderr).toMatchObject({ code: 0 });
    const lines = text.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^ID\s+EMAIL\s+USERNAME\s+STATE\s+SYSTEM ROLE\s+CREATED$/);
    expect(lines.slice(1, 3).every((l) => l.includes(`${tag}-`) && / active /.test(l))).toBe(true);
    expect(lines[3]).toMatch(/^More: add --cursor \S+$/);
    const next = await gatehouse("list-users", "--query", `${tag}-`, "--limit", "2", "--cursor", lines[3]!.split(" ").at(-1)!, "--json");
    const page2 = JSON.parse(next.stdout) as { users: { email: string }[]; nextCursor: string | null };
    expect(page2.users).toHaveLength(1);
    expect(page2.nextCursor).toBeNull();
    expect(text.stdout).not.toContain(page2.users[0]!.email);

    const json = await gatehouse("list-users", "--team", team.slug, "--json");
    const listed = JSON.parse(json.stdout) as { users: Record<string, unknown>[]; nextCursor: string | null };
    expect(
      listed.users
        .map((u) => u.email)
        .filter((e) => String(e).startsWith(tag))
        .sort(),
    ).toEqual([`${tag}-ann@example.test`, `${tag}-ben@example.test`]);
    expect(listed.users.every((u) => !("passwordHash" in u) && !("totpSecretEncrypted" in u))).toBe(true);

    const off = await gatehouse("disable-user", `${tag}-ANN@example.test`);
    // Ann signed in in the test before: the CLI reaches her session in Redis and ends it
    expect(off).toMatchObject({
      code: 0,
      stdout: expect.stringContaining(`Disabled ${tag}-ann@example.test; ended 1 session(s) and revoked 1 grant(s).`),
    });
    const annRow = (await byEmail(`${tag}-ann@example.test`))!;
    expect(annRow.disabled).toBe(true);
    expect((await t.app.db.prisma.userSession.findMany({ where: { userId: annRow.id } })).map((r) => r.endReason)).toEqual(["disabled"]);
    expect(await t.app.services.sessions.listActive(annRow.id)).toEqual([]);
    const disabled = JSON.parse((await gatehouse("list-users", "--disabled", "--json")).stdout) as { users: { email: string }[] };
    expect(disabled.users.map((u) => u.email)).toContain(`${tag}-ann@example.test`);
    expect(disabled.users.map((u) => u.email)).not.toContain(`${tag}-ben@example.test`);
    const on = await gatehouse("enable-user", `ann${tag}`);
    expect(on).toMatchObject({ code: 0, stdout: expect.stringContaining(`Enabled ${tag}-ann@example.test.`) });
    expect((await byEmail(`${tag}-ann@example.test`))!.disabled).toBe(false);
    const events = await t.app.db.prisma.auditEvent.findMany({
      where: { userId: (await byEmail(`${tag}-ann@example.test`))!.id, type: { in: ["user.disabled", "user.enabled"] } },
      orderBy: { id: "asc" },
    });
    expect(events.map((e) => [e.type, e.actorId, e.outcome, (e.data as { via?: string }).via])).toEqual([
      ["user.disabled", "cli", "success", "cli"],
      ["user.enabled", "cli", "success", "cli"],
    ]);

    // the catalogue's words (user.not_found), as the admin page and the API say them, after what was given
    expect(await gatehouse("disable-user", "nobody-here")).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("gatehouse: nobody-here: There is no such user."),
    });
    expect(await gatehouse("list-users", "--team", "no-such-team")).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--team: no team with the slug "no-such-team"'),
    });
  }, 180_000);
});
