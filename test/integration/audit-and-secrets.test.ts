// Secrets at rest and in logs (checklist 42, architecture "Secrets and tokens"): client secrets are kept only as
// SHA-256, signing keys' private halves only encrypted with the master key, and the logger redacts secrets.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { createHash } from "node:crypto";
import { Writable } from "node:stream";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { createLogger } from "../../src/lib/logger.ts";
import { decryptSecret } from "../../src/lib/crypto.ts";

const asJson = (value: unknown) => JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));

describe("secrets at rest", () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it("a confidential client's secret is stored only as its base64url SHA-256", async () => {
    const { clientId, clientSecret } = await t.createClient({
      name: "Secret RP",
      type: "confidential",
      redirectUris: ["https://rp.example.test/callback"],
      grantTypes: ["authorization_code", "refresh_token"],
    });
    expect(clientSecret).toBeTruthy();
    expect(Buffer.from(clientSecret!, "base64url")).toHaveLength(32);
    const row = await t.app.db.prisma.oidcClient.findUniqueOrThrow({ where: { id: clientId } });
    expect(row.secretHash).toBeTruthy();
    expect(row.secretHash).not.toBe(clientSecret);
    expect(row.secretHash).toBe(createHash("sha256").update(clientSecret!).digest("base64url"));
    expect(asJson(row)).not.toContain(clientSecret!);
  });

  it("a public client has no secret hash", async () => {
    const { clientId, clientSecret } = await t.createClient({
      name: "Public RP",
      type: "public",
      redirectUris: ["https://spa.example.test/callback"],
      grantTypes: ["authorization_code", "refresh_token"],
    });
    expect(clientSecret).toBeNull();
    const row = await t.app.db.prisma.oidcClient.findUniqueOrThrow({ where: { id: clientId } });
    expect(row.secretHash).toBeNull();
  });

  it("signing keys: the public JWK has no private part; the private JWK is only stored encrypted", async () => {
    const rows = await t.app.db.prisma.signingKey.findMany();
    expect(rows.length).toBeGreaterThanOrEqual(4); // current + next on first start, for ES256 and RS256
    expect(new Set(rows.map((r) => r.alg))).toEqual(new Set(["ES256", "RS256"]));
    for (const row of rows) {
      const publicJwk = row.publicJwk as Record<string, unknown>;
      expect(publicJwk.kid).toBe(row.id);
      // no private part of either key type (EC: d; RSA: d, p, q, dp, dq, qi)
      for (const part of ["d", "p", "q", "dp", "dq", "qi"]) expect(publicJwk).not.toHaveProperty(part);
      expect(publicJwk).toHaveProperty(row.alg === "RS256" ? "n" : "x");

      const stored = row.privateJwkEncrypted;
      expect(stored.startsWith("v1.")).toBe(true);
      expect(stored.split(".")).toHaveLength(4);
      expect(stored).not.toContain('"d"');
      expect(stored).not.toContain("{");
      // what it decrypts to does hold the private "d", and that value is nowhere in the stored string
      const privateJwk = JSON.parse(decryptSecret(t.config.secrets.masterKey, stored, `signing-key:${row.id}`)) as Record<string, unknown>;
      expect(typeof privateJwk.d).toBe("string");
      expect(stored).not.toContain(privateJwk.d as string);
      expect(privateJwk.x).toBe(publicJwk.x);
      // the purpose is bound: the envelope of one key cannot be passed off as another's
      const other = rows.find((r) => r.id !== row.id)!;
      expect(() => decryptSecret(t.config.secrets.masterKey, stored, `signing-key:${other.id}`)).toThrow();
    }
  });
});

describe("log redaction", () => {
  function collectingLogger() {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer | string, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    return { log: createLogger("info", stream), lines };
  }

  it("passwords, client secrets, refresh tokens, Authorization and Cookie headers are redacted", async () => {
    const { log, lines } = collectingLogger();
    const secrets = {
      password: "pw-VALUE-5f1c2e",
      clientSecret: "client-SECRET-8a7b",
      refreshToken: "refresh-TOKEN-4d3e",
      bearer: "bearer-VALUE-9c0f",
      cookie: "cookie-VALUE-2b6a",
    };
    log.info(
      {
        password: secrets.password,
        body: { client_secret: secrets.clientSecret, refresh_token: secrets.refreshToken },
        req: { headers: { authorization: `Bearer ${secrets.bearer}`, cookie: `gh.session=${secrets.cookie}` } },
      },
      "something happened",
    );
    await new Promise((resolve) => setImmediate(resolve));

    const output = lines.join("");
    expect(output).toContain("something happened");
    for (const value of Object.values(secrets)) expect(output).not.toContain(value);
    const line = JSON.parse(lines[0]!) as { password: string; body: Record<string, string>; req: { headers: Record<string, string> } };
    expect(line.password).toBe("[redacted]");
    expect(line.body.client_secret).toBe("[redacted]");
    expect(line.body.refresh_token).toBe("[redacted]");
    expect(line.req.headers.authorization).toBe("[redacted]");
    expect(line.req.headers.cookie).toBe("[redacted]");
  });

  it("child loggers (one per request) redact too", async () => {
    const { log, lines } = collectingLogger();
    log
      .child({ requestId: "req-12345678" })
      .warn({ params: { password: "child-PW-7e7e", code_verifier: "verifier-VALUE-1a1a" } }, "child line");
    await new Promise((resolve) => setImmediate(resolve));
    const output = lines.join("");
    expect(output).toContain("req-12345678");
    expect(output).not.toContain("child-PW-7e7e");
    expect(output).not.toContain("verifier-VALUE-1a1a");
    expect(output).toContain("[redacted]");
  });
});
