// `gatehouse virtuozzo …` (#19) as a real process against a test app's Postgres and Redis and the stand-in
// platform: link with the password on standard input (checked first: a wrong one stores nothing; the password is
// never printed), status (text and JSON), refresh, revoke, unlink; acting as the team's Owner, audited as "cli".
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { cliEnv, runGatehouse, type CliRun } from "../helpers/cli.ts";
import { teamWithMembers } from "../helpers/team-flow.ts";
import { startPlatform, type StandInPlatform } from "../helpers/virtuozzo-platform.ts";

const SECRET = "cli platform pass phrase 5521";

describe("gatehouse virtuozzo commands", () => {
  let t: TestApp;
  let platform: StandInPlatform;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    platform = await startPlatform();
    platform.addAccount("ops@platform.example", { password: SECRET, groupType: "billing" });
    const settings = { VIRTUOZZO_ENABLED: "true", VIRTUOZZO_PLATFORM_URLS: platform.url, VIRTUOZZO_REQUEST_TIMEOUT_MS: "2000" };
    t = await startTestApp(settings);
    env = cliEnv(t, { ...settings, LOG_LEVEL: "silent" });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await platform?.close();
  });

  const gatehouse = (args: string[], input = ""): Promise<CliRun> => runGatehouse(env, args, { input });

  it("link (password on stdin), status, refresh, revoke, unlink; audited with the actor cli", async () => {
    const team = await teamWithMembers(t, "Cli");
    const wrong = await gatehouse(["virtuozzo", "link", "--team", team.slug, "--login", "ops@platform.example"], "not it\n");
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toContain("The platform refused these credentials");
    expect(await t.app.queries.virtuozzoLinks.find(team.teamId)).toBeNull();

    const linked = await gatehouse(["virtuozzo", "link", "--team", team.slug, "--login", "ops@platform.example"], `${SECRET}\n`);
    expect(linked, linked.stderr).toMatchObject({ code: 0 });
    expect(linked.stdout).toContain(`${team.slug} is linked to ops@platform.example (group type billing).`);
    expect(linked.stdout + linked.stderr).not.toContain(SECRET);
    expect(await t.app.queries.virtuozzoLinks.find(team.teamId)).toMatchObject({ linkedById: team.owner.id });

    const status = await gatehouse(["virtuozzo", "status", "--team", team.slug, "--json"]);
    expect(JSON.parse(status.stdout)).toEqual({
      team: team.slug,
      linked: true,
      state: "active",
      login: "ops@platform.example",
      groupType: "billing",
      platformUrl: platform.url,
      clientIds: [],
    });

    const refreshed = await gatehouse(["virtuozzo", "refresh", "--team", team.slug]);
    expect(refreshed.stdout).toMatch(/: a new platform session, valid until \d{4}-/);
    const cached = await t.app.services.virtuozzo.session(team.teamId, { kind: "user", by: team.owner.id });
    expect(cached).toMatchObject({ outcome: "ok", refreshed: false });
    expect(refreshed.stdout).not.toContain((cached as { session: string }).session);
    expect((await gatehouse(["virtuozzo", "revoke", "--team", team.slug])).stdout).toContain("the cached session was revoked");
    expect((await gatehouse(["virtuozzo", "unlink", "--team", team.slug])).stdout).toContain("is no longer linked");
    expect(await t.app.queries.virtuozzoLinks.find(team.teamId)).toBeNull();
    // the operator's commands are audited with the actor "cli" (the link itself was the Owner's)
    for (const type of ["virtuozzo.linked", "virtuozzo.session.refreshed", "virtuozzo.session.revoked", "virtuozzo.unlinked"]) {
      const [event] = (await t.app.queries.auditEvents.listByType(type, 10)).filter(
        (e) => (e.data as { teamId?: string } | null)?.teamId === team.teamId,
      );
      expect(event, type).toMatchObject({ actorId: "cli", userId: team.owner.id, data: expect.objectContaining({ via: "cli" }) });
    }
    const unknown = await gatehouse(["virtuozzo", "status", "--team", "no-such-team"]);
    expect(unknown.code).not.toBe(0);
  }, 120_000);
});
