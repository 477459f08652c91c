// `gatehouse webhooks …` as a real process against a test app's Postgres and Redis: create prints the secret once
// (JSON), list never shows it, bad input is refused with the option named and nothing changes, update and
// rotate-secret work and are audited as the "cli", delete needs --yes.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { gatehouseCli, type CliRunner } from "../helpers/cli.ts";

describe("gatehouse webhooks commands", () => {
  let t: TestApp;
  let gatehouse: CliRunner;

  beforeAll(async () => {
    t = await startTestApp();
    gatehouse = gatehouseCli(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("create, list, update, rotate-secret and delete, audited as the cli; bad input refused", async () => {
    const made = await gatehouse(
      "webhooks",
      "create",
      "--url",
      "https://hooks.example.test/in",
      "--event",
      "user.created,user.deleted",
      "--json",
    );
    expect(made, made.stderr).toMatchObject({ code: 0 });
    const { endpoint, secret } = JSON.parse(made.stdout) as { endpoint: { id: string; eventTypes: string[] }; secret: string };
    expect(endpoint.eventTypes).toEqual(["user.created", "user.deleted"]);
    expect(secret).toMatch(/^whsec_/);

    const bad = await gatehouse("webhooks", "update", endpoint.id, "--event", "user.exploded");
    expect(bad).toMatchObject({ code: 2, stderr: expect.stringContaining("gatehouse: --event: unknown event type(s): user.exploded") });

    const updated = await gatehouse("webhooks", "update", endpoint.id, "--disable", "--all-events", "--json");
    expect(JSON.parse(updated.stdout)).toMatchObject({ id: endpoint.id, enabled: false, disabledReason: "admin", eventTypes: [] });

    const rotated = await gatehouse("webhooks", "rotate-secret", endpoint.id);
    expect(rotated.stdout).toMatch(/New secret .*: whsec_/);
    const listed = await gatehouse("webhooks", "list");
    expect(listed.stdout).toContain(`${endpoint.id}  disabled (admin)  https://hooks.example.test/in  all events`);
    expect(listed.stdout).not.toContain("whsec_");

    expect(await gatehouse("webhooks", "delete", endpoint.id)).toMatchObject({ code: 2, stderr: expect.stringContaining("add --yes") });
    expect((await gatehouse("webhooks", "delete", endpoint.id, "--yes")).code).toBe(0);
    expect(await t.app.services.webhooks.find(endpoint.id)).toBeNull();
    const audited = await t.app.db.prisma.auditEvent.findMany({
      where: { type: { startsWith: "webhook." }, actorId: "cli" },
      orderBy: { id: "asc" },
    });
    expect(audited.map((e) => e.type)).toEqual(["webhook.created", "webhook.updated", "webhook.secret_rotated", "webhook.deleted"]);
    expect(await t.app.db.prisma.webhookEndpoint.count()).toBe(0);
  }, 240_000);
});
