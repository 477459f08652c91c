// SSRF through upstream connectors (#17, services/federation/outbound.ts): in production (unless
// OUTBOUND_ALLOW_PRIVATE) an admin-entered discovery URL or endpoint may not name a loopback, private or
// special-use host: refused when saved (nothing created or changed), and refused before connecting when a stored
// one (or a name resolving to such an address) is used. Outside production loopback upstreams work (the other
// federation tests). A real upstream oidc-provider on loopback is the target that must not be reached.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import type { LookupAddress } from "node:dns";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { startUpstreamIdp, type UpstreamIdp } from "../helpers/upstream-idp.ts";
import { createConnectorAdmin } from "../../src/services/federation/connectors.ts";
import { createUpstream } from "../../src/services/federation/upstream.ts";
import { guardedLookup, upstreamAddressProblem } from "../../src/services/federation/outbound.ts";

const CLI = { actorId: "cli", via: "cli" as const };

describe("upstream connectors cannot reach private addresses in production", () => {
  let t: TestApp;
  let idp: UpstreamIdp;
  beforeAll(async () => {
    t = await startTestApp({ FEDERATION_UPSTREAM_TIMEOUT: "2" });
    idp = await startUpstreamIdp([`${t.url}/federation/inside/callback`], { sub: "u-1", email: "ada@company.test", email_verified: true });
  });
  afterAll(async () => {
    await idp?.close();
    await t?.close();
  });
  /** the production wiring (context.ts: allowPrivate false) over the test app's database */
  const strict = () =>
    createConnectorAdmin({
      queries: t.app.queries.upstreamConnectors,
      audit: t.app.services.audit,
      masterKey: t.app.config.secrets.masterKey,
      clock: { now: () => new Date() },
      allowPrivate: false,
    });

  it("a private, loopback or metadata address is refused when saved; nothing is created or changed", async () => {
    const admin = strict();
    for (const issuer of [
      idp.issuer,
      "https://169.254.169.254/latest",
      "https://10.1.2.3",
      "https://localhost:8443",
      "https://[::1]/",
      "https://[fd00::1]/",
      "https://metadata.localhost/",
    ]) {
      expect(
        await admin.create({ slug: "inside", name: "Inside", kind: "oidc", issuer, clientId: "a", clientSecret: "b" }, CLI),
      ).toMatchObject({ outcome: "invalid", field: "issuer", message: expect.stringContaining("private") });
    }
    expect(
      await admin.create(
        {
          slug: "inside",
          name: "Inside",
          kind: "oauth2",
          clientId: "a",
          clientSecret: "b",
          claimsMapping: { subject: "id" },
          authorizationEndpoint: "https://upstream.example.test/authorize",
          tokenEndpoint: "https://192.168.1.10/token",
          userinfoEndpoint: "https://upstream.example.test/user",
        },
        CLI,
      ),
    ).toMatchObject({ outcome: "invalid", field: "tokenEndpoint" });
    expect(await t.app.db.prisma.upstreamConnector.count({ where: { slug: "inside" } })).toBe(0);

    const made = await admin.create(
      { slug: "outside", name: "Outside", kind: "oidc", issuer: "https://upstream.example.test", clientId: "a", clientSecret: "b" },
      CLI,
    );
    if (made.outcome !== "created") throw new Error(JSON.stringify(made));
    expect(await admin.update(made.connector.id, { issuer: "https://127.0.0.1:9999" }, CLI)).toMatchObject({
      outcome: "invalid",
      field: "issuer",
    });
    expect((await t.app.services.connectors.find(made.connector.id))!.issuer).toBe("https://upstream.example.test");
  });

  it("a stored upstream on a loopback address is not contacted: the sign-in cannot start", async () => {
    // saved where it was allowed (development), then used by a production process
    const made = await t.app.services.connectors.create(
      { slug: "inside", name: "Inside", kind: "oidc", issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret },
      CLI,
    );
    if (made.outcome !== "created") throw new Error(JSON.stringify(made));
    const upstream = createUpstream({
      redis: t.app.redis,
      connectors: t.app.services.connectors,
      audit: t.app.services.audit,
      issuer: t.app.config.issuer,
      timeoutSeconds: 2,
      allowPrivate: false,
    });
    const started = await upstream.start(made.connector, "interaction-ssrf");
    expect(started).toMatchObject({ outcome: "unavailable", detail: expect.stringMatching(/private or special-use/) });
    // the same connector where private addresses are allowed: reachable (the upstream is real)
    const open = createUpstream({
      redis: t.app.redis,
      connectors: t.app.services.connectors,
      audit: t.app.services.audit,
      issuer: t.app.config.issuer,
      timeoutSeconds: 2,
      allowPrivate: true,
    });
    expect((await open.start(made.connector, "interaction-ok")).outcome).toBe("redirect");
  });

  it("a host name is judged by the addresses it resolves to, at connect time", async () => {
    const lookup = (host: string) =>
      new Promise<{ err: Error | null; addresses?: LookupAddress[] }>((resolve) =>
        guardedLookup(host, { all: true }, (err, addresses) => resolve({ err, addresses: addresses as unknown as LookupAddress[] })),
      );
    expect((await lookup("localhost")).err?.message).toMatch(/private or special-use/);
    expect(upstreamAddressProblem("https://accounts.google.com")).toBeNull();
    expect(upstreamAddressProblem("https://[::ffff:127.0.0.1]/")).toMatch(/private/);
  });
});
