// "Rotate the signing keys now" is one use case (services/key-rotation.ts) behind the admin page, the REST API
// and the CLI (#13). Here: the use case itself in a running app (the provider of this process signs with the new
// key at once; audited with the surface), and the CLI command as a real process against the same database (the
// same audit; the running server reaches the new key when it reloads its keys). The page and the API are tested
// through their own surfaces in admin-keys and api-admin-keys.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import type { JSONWebKeySet } from "jose";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { gatehouseCli } from "../helpers/cli.ts";

describe("the key rotation use case", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  const states = async () =>
    Object.fromEntries((await t.app.services.keys.list()).filter((k) => k.alg === "ES256").map((k) => [k.id, k.state]));
  const nextKid = async () => Object.entries(await states()).find(([, s]) => s === "next")![0];
  const rotations = () => t.app.db.prisma.auditEvent.findMany({ where: { type: "keys.rotated" }, orderBy: { createdAt: "asc" } });
  /** the ES256 key this process's provider signs with now: the JWKS lists the current key of each algorithm first */
  const signingKid = async () => ((await (await fetch(`${t.url}/jwks`)).json()) as JSONWebKeySet).keys.find((k) => k.alg === "ES256")!.kid;

  it("promotes the next key, makes this process's provider sign with it at once, and audits the surface", async () => {
    const next = await nextKid();
    const result = await t.app.services.keyRotation.rotate({ actorId: "tester", ip: "127.0.0.1" }, "api", { apiClientId: "client-x" });
    expect(result.current).toBe(next);
    expect((await states())[next]).toBe("current");
    expect(result.published.every((k) => k.state !== "retired")).toBe(true);
    expect(await signingKid()).toBe(next); // the JWKS of this process already leads with it
    expect((await rotations()).at(-1)).toMatchObject({
      actorId: "tester",
      ip: "127.0.0.1",
      data: { current: next, via: "api", apiClientId: "client-x" },
    });
  });

  it("the CLI command is the same use case: the next key is current, audited with the actor cli", async () => {
    const next = await nextKid();
    const { stdout } = await gatehouseCli(t, { check: true })("rotate-keys");
    expect(stdout).toContain(`Signing key ${next} is now current`);
    expect((await states())[next]).toBe("current");
    expect((await rotations()).at(-1)).toMatchObject({ actorId: "cli", data: { current: next, via: "cli" } });
    // the running server signs with it once it reloads its keys (every KEY_REFRESH_SECONDS; here at once)
    await t.app.oidc.refreshKeys();
    expect(await signingKid()).toBe(next);
  });
});
