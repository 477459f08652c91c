// `gatehouse connectors …` (#17) as a real process against a test app's Postgres and Redis: create from a preset
// with the secret from an environment variable (never printed, stored encrypted), list (text and JSON), update
// only what is named (the secret kept), bad input refused with the reason and nothing stored, delete only with
// --yes; each audited as the "cli".
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { gatehouseCli, type CliRunner } from "../helpers/cli.ts";

describe("gatehouse connectors commands", () => {
  let t: TestApp;
  let gatehouse: CliRunner;
  beforeAll(async () => {
    t = await startTestApp();
    gatehouse = gatehouseCli(t, { env: { UPSTREAM_SECRET: "cli-upstream-secret-value" } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("create, list, update, delete; the secret never printed; audited as the cli", async () => {
    const made = await gatehouse(
      "connectors",
      "create",
      "--slug",
      "github",
      "--preset",
      "github",
      "--client-id",
      "Iv1.abc",
      "--client-secret-env",
      "UPSTREAM_SECRET",
      "--json",
    );
    expect(made, made.stderr).toMatchObject({ code: 0 });
    const created = JSON.parse(made.stdout) as { id: string; kind: string; redirectUri: string };
    expect(created).toMatchObject({ kind: "oauth2", slug: "github", redirectUri: `${t.url}/federation/github/callback` });
    const row = (await t.app.services.connectors.find(created.id))!;
    expect(t.app.services.connectors.secretOf(row)).toBe("cli-upstream-secret-value");

    const list = await gatehouse("connectors", "list");
    expect(list.stdout).toMatch(new RegExp(`${created.id}\\s+github\\s+oauth2\\s+GitHub`));
    const updated = await gatehouse("connectors", "update", created.id, "--name", "GitHub (company)", "--disable", "--json");
    expect(updated, updated.stderr).toMatchObject({ code: 0 });
    expect(JSON.parse(updated.stdout)).toMatchObject({ name: "GitHub (company)", enabled: false, clientId: "Iv1.abc" });
    expect(t.app.services.connectors.secretOf((await t.app.services.connectors.find(created.id))!)).toBe("cli-upstream-secret-value");
    for (const out of [made.stdout, list.stdout, updated.stdout]) expect(out).not.toContain("cli-upstream-secret-value");

    expect(await gatehouse("connectors", "delete", created.id)).toMatchObject({ code: 2, stderr: expect.stringContaining("--yes") });
    expect((await gatehouse("connectors", "delete", created.id, "--yes")).code).toBe(0);
    expect(await t.app.services.connectors.find(created.id)).toBeNull();
    const audit = await t.app.db.prisma.auditEvent.findMany({
      where: { actorId: "cli", type: { startsWith: "connector." } },
      orderBy: { id: "asc" },
    });
    expect(audit.map((e) => e.type)).toEqual(["connector.created", "connector.disabled", "connector.deleted"]);
  }, 240_000);

  it("bad input is refused with the reason and nothing is stored", async () => {
    const noSecret = await gatehouse(
      "connectors",
      "create",
      "--slug",
      "g2",
      "--preset",
      "google",
      "--client-id",
      "x",
      "--client-secret-env",
      "NOT_SET_ANYWHERE",
    );
    expect(noSecret).toMatchObject({ code: 2, stderr: expect.stringContaining("NOT_SET_ANYWHERE: is empty or not set") });
    const entra = await gatehouse(
      "connectors",
      "create",
      "--slug",
      "entra",
      "--preset",
      "microsoft",
      "--client-id",
      "x",
      "--client-secret-env",
      "UPSTREAM_SECRET",
    );
    expect(entra).toMatchObject({ code: 2, stderr: expect.stringContaining("issuer: an OpenID Connect connector needs its issuer") });
    expect(await t.app.db.prisma.upstreamConnector.count({ where: { slug: { in: ["g2", "entra"] } } })).toBe(0);
  }, 240_000);
});
