// The operators' client commands run as a real process (`npm run gatehouse -- …`) against a test app's Postgres and
// Redis: --version, clients list/show (text and JSON, never a secret hash), update (only what is named; bad input
// refused with the field's reason and nothing changed), rotate-secret (the new secret authenticates at the
// introspection endpoint once the server's 5 s client cache has passed, the old one no longer), delete (only with --yes), each audited as the "cli".
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { readFileSync } from "node:fs";
import path from "node:path";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { gatehouseCli, type CliRunner } from "../helpers/cli.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");

describe("gatehouse client commands", () => {
  let t: TestApp;
  let gatehouse: CliRunner;

  beforeAll(async () => {
    t = await startTestApp();
    gatehouse = gatehouseCli(t);
  });
  afterAll(async () => {
    await t?.close();
  });
  const row = (id: string) => t.app.db.prisma.oidcClient.findUnique({ where: { id } });
  const cliAudit = (type: string, clientId: string) => t.app.db.prisma.auditEvent.findMany({ where: { type, clientId, actorId: "cli" } });
  async function introspectAs(clientId: string, secret: string) {
    const meta = (await (await fetch(`${t.url}/.well-known/openid-configuration`)).json()) as { introspection_endpoint: string };
    return fetch(meta.introspection_endpoint, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString("base64")}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: "token=not-a-token",
    });
  }

  it("--version prints package.json's version", async () => {
    const { version } = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string };
    const run = await gatehouse("--version");
    expect(run).toMatchObject({ code: 0 });
    expect(run.stdout.trim()).toBe(version);
  }, 180_000);

  it("list and show, as text and JSON, never print a secret or its hash", async () => {
    const { clientId, clientSecret } = await t.createClient({
      name: "Listed app",
      type: "confidential",
      redirectUris: ["https://listed.example.test/cb"],
    });
    const text = await gatehouse("clients", "list");
    expect(text, text.stderr).toMatchObject({ code: 0 });
    expect(text.stdout).toMatch(new RegExp(`${clientId}\\s+confidential\\s+Listed app`));
    const json = JSON.parse((await gatehouse("clients", "list", "--json")).stdout) as { clients: Array<Record<string, unknown>> };
    expect(json.clients.find((c) => c.id === clientId)).toMatchObject({
      name: "Listed app",
      type: "confidential",
      hasSecret: true,
      redirectUris: ["https://listed.example.test/cb"],
    });
    const shown = await gatehouse("clients", "show", clientId);
    expect(shown.stdout).toContain(`client_id:        ${clientId}`);
    expect(shown.stdout).toContain("redirect URIs:    https://listed.example.test/cb");
    const hash = (await row(clientId))!.secretHash!;
    for (const out of [text.stdout, shown.stdout, JSON.stringify(json)]) {
      expect(out).not.toContain(clientSecret!);
      expect(out).not.toContain(hash);
    }
    const missing = await gatehouse("clients", "show", "no-such-client");
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringContaining("gatehouse: no-such-client: There is no such client.") });
  }, 180_000);

  it("update changes only what it names and is audited; bad input is refused with the reason and changes nothing", async () => {
    const { clientId } = await t.createClient({
      name: "Before",
      type: "confidential",
      redirectUris: ["https://before.example.test/cb"],
      firstParty: false,
    });
    const updated = await gatehouse("clients", "update", clientId, "--name", "After", "--first-party", "--json");
    expect(updated, updated.stderr).toMatchObject({ code: 0 });
    expect(JSON.parse(updated.stdout)).toMatchObject({
      id: clientId,
      name: "After",
      firstParty: true,
      redirectUris: ["https://before.example.test/cb"],
    });
    expect(await row(clientId)).toMatchObject({ name: "After", firstParty: true, redirectUris: ["https://before.example.test/cb"] });
    expect((await cliAudit("client.updated", clientId)).map((e) => e.data as { changed: string[]; via: string })).toEqual([
      expect.objectContaining({ changed: ["firstParty", "name"], via: "cli" }),
    ]);

    const bad = await gatehouse("clients", "update", clientId, "--redirect-uri", "http://evil.example.test/cb");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/gatehouse: redirectUris\.0: /);
    const nothing = await gatehouse("clients", "update", clientId);
    expect(nothing).toMatchObject({ code: 2, stderr: expect.stringContaining("nothing to change") });
    expect(await row(clientId)).toMatchObject({ name: "After", redirectUris: ["https://before.example.test/cb"] });
    expect(await cliAudit("client.updated", clientId)).toHaveLength(1);
  }, 180_000);

  it("rotate-secret: the new secret authenticates (within the 5 s client cache), the old one no longer; a public client has none to rotate", async () => {
    const { clientId, clientSecret } = await t.createClient({ name: "Rotated", type: "confidential", grantTypes: ["client_credentials"] });
    expect((await introspectAs(clientId, clientSecret!)).status).toBe(200);
    const run = await gatehouse("clients", "rotate-secret", clientId, "--json");
    expect(run, run.stderr).toMatchObject({ code: 0 });
    const { secret } = JSON.parse(run.stdout) as { secret: string };
    expect(secret).not.toBe(clientSecret);
    // a running server reads clients through a 5 s cache: the rotation (in another process) reaches it within that
    const deadline = Date.now() + 10_000;
    while ((await introspectAs(clientId, secret)).status !== 200 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    expect((await introspectAs(clientId, secret)).status).toBe(200);
    expect((await introspectAs(clientId, clientSecret!)).status).toBe(401);
    expect(await cliAudit("client.secret_rotated", clientId)).toHaveLength(1);

    const pub = await t.createClient({ name: "SPA", type: "public", redirectUris: ["https://spa.example.test/cb"] });
    const refused = await gatehouse("clients", "rotate-secret", pub.clientId);
    expect(refused).toMatchObject({ code: 2, stderr: expect.stringContaining(`${pub.clientId}: A public client has no secret.`) });
  }, 180_000);

  it("delete needs --yes; then the client is gone and cannot authenticate", async () => {
    const { clientId, clientSecret } = await t.createClient({ name: "Doomed", type: "confidential", grantTypes: ["client_credentials"] });
    const unconfirmed = await gatehouse("clients", "delete", clientId);
    expect(unconfirmed).toMatchObject({ code: 2, stderr: expect.stringContaining("run again with --yes") });
    expect(await row(clientId)).not.toBeNull();
    const run = await gatehouse("clients", "delete", clientId, "--yes");
    expect(run).toMatchObject({ code: 0, stdout: `Deleted client ${clientId}.\n` });
    expect(await row(clientId)).toBeNull();
    const deadline = Date.now() + 10_000; // the server's 5 s client cache
    while ((await introspectAs(clientId, clientSecret!)).status !== 401 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 250));
    expect((await introspectAs(clientId, clientSecret!)).status).toBe(401);
    expect(await cliAudit("client.deleted", clientId)).toHaveLength(1);
    expect((await gatehouse("clients", "delete", clientId, "--yes")).stderr).toContain(`${clientId}: There is no such client.`);
  }, 180_000);
});
