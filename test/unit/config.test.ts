import { describe, it, expect } from "vitest";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { loadConfig, ConfigError } from "../../src/config/load.ts";

const tmp = () => mkdtempSync(path.join(os.tmpdir(), "gh-config-"));
const production = {
  NODE_ENV: "production",
  ISSUER: "https://id.example.test",
  DATABASE_URL: "postgresql://db.example.test/gatehouse",
  REDIS_URL: "redis://cache.example.test:6379",
  SMTP_URL: "smtp://mail.example.test:587",
  COOKIE_KEYS: "k".repeat(32),
  MASTER_KEY: randomBytes(32).toString("base64"),
};

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe("loadConfig", () => {
  it("development defaults: issuer from the port, secrets generated once into DATA_DIR and reused", () => {
    const dir = tmp();
    const first = loadConfig({ DATA_DIR: dir, PORT: "4321" });
    expect(first.issuer).toBe("http://localhost:4321");
    expect(first.database.url).toBeUndefined();
    expect(first.redis.url).toBeUndefined();
    expect(first.secrets.masterKey).toHaveLength(32);
    const file = path.join(dir, "secrets.json");
    expect(statSync(file).mode & 0o077).toBe(0); // readable by the owner only
    const again = loadConfig({ DATA_DIR: dir, PORT: "4321" });
    expect(again.secrets.masterKey.equals(first.secrets.masterKey)).toBe(true);
    expect(again.secrets.cookieKeys).toEqual(first.secrets.cookieKeys);
    expect(JSON.parse(readFileSync(file, "utf8")).cookieKeys).toEqual(first.secrets.cookieKeys);
  });

  it("a bad value stops with a message naming the setting and the problem", () => {
    const found = problems({
      DATA_DIR: tmp(),
      PORT: "seventy",
      DATABASE_URL: "mysql://x",
      ARGON2_MEMORY_KIB: "1024",
      AUTHORIZATION_CODE_TTL: "3600",
    });
    expect(found.find((p) => p.startsWith("PORT:"))).toMatch(/number/i);
    expect(found.find((p) => p.startsWith("DATABASE_URL:"))).toMatch(/postgres/);
    expect(found.find((p) => p.startsWith("ARGON2_MEMORY_KIB:"))).toMatch(/19456/);
    expect(found.find((p) => p.startsWith("AUTHORIZATION_CODE_TTL:"))).toMatch(/600/);
    expect(new ConfigError(found).message).toMatch(/^Invalid configuration:\n {2}- /);
  });

  it("production requires the external services and secrets, and an https issuer", () => {
    const found = problems({ NODE_ENV: "production", ISSUER: "http://id.example.test" });
    for (const name of ["DATABASE_URL", "REDIS_URL", "MASTER_KEY", "COOKIE_KEYS", "SMTP_URL"])
      expect(found.some((p) => p.startsWith(`${name}: required in production`))).toBe(true);
    expect(found).toContain("ISSUER: must be an https:// URL in production");
  });

  it("a complete production config loads, with no development secrets file", () => {
    const dir = tmp();
    const config = loadConfig({ ...production, DATA_DIR: dir });
    expect(config.isProduction).toBe(true);
    expect(config.secrets.generatedIn).toBeUndefined();
    expect(config.resourceServers).toEqual(["https://id.example.test/api"]);
  });

  it("rejects short cookie keys and a master key that is not 32 bytes", () => {
    expect(problems({ ...production, COOKIE_KEYS: "short" })[0]).toMatch(/^COOKIE_KEYS: each key needs at least 32 characters/);
    expect(problems({ ...production, MASTER_KEY: "abc" })[0]).toMatch(/^MASTER_KEY:/);
  });

  it("more than one worker needs the external database and Redis", () => {
    expect(problems({ DATA_DIR: tmp(), WORKERS: "2" })[0]).toMatch(/^WORKERS: more than one worker needs DATABASE_URL and REDIS_URL/);
    expect(loadConfig({ ...production, WORKERS: "auto" }).workers).toBe(os.availableParallelism());
    expect(loadConfig({ ...production, WORKERS: "3" }).workers).toBe(3);
  });

  it("caps concurrent argon2 hashes at cores - 1 by default", () => {
    const config = loadConfig({ DATA_DIR: tmp() });
    expect(config.argon2.maxConcurrency).toBe(Math.max(1, os.availableParallelism() - 1));
    expect(loadConfig({ DATA_DIR: tmp(), ARGON2_MAX_CONCURRENCY: "3" }).argon2.maxConcurrency).toBe(3);
  });
});

describe("session idle timeout", () => {
  it("rejects an idle timeout under twice the activity resolution, naming both settings", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "gh-config-idle-"));
    const load = (idle: string, resolution: string) => () =>
      loadConfig({ DATA_DIR: dir, SESSION_IDLE_TIMEOUT: idle, SESSION_ACTIVITY_RESOLUTION: resolution });
    expect(load("60", "60")).toThrow(/SESSION_IDLE_TIMEOUT: must be at least twice SESSION_ACTIVITY_RESOLUTION \(60 < 2 × 60\)/);
    expect(load("119", "60")).toThrow(ConfigError);
    expect(load("120", "60")().session.idleTimeout).toBe(120);
    expect(load("0", "60")().session.idleTimeout).toBe(0);
  });
});

describe("per-resource access-token lifetimes", () => {
  const resources = { ...production, RESOURCE_SERVERS: "https://id.example.test/api,https://billing.example.test" };
  it("reads resource=seconds pairs for configured resource servers", () => {
    const config = loadConfig({ ...resources, RESOURCE_ACCESS_TOKEN_TTL: "https://billing.example.test=300" });
    expect(config.tokens.resourceAccessTokenTtl).toEqual({ "https://billing.example.test": 300 });
    expect(loadConfig(production).tokens.resourceAccessTokenTtl).toEqual({});
  });

  it("refuses an unknown resource, a lifetime longer than ACCESS_TOKEN_TTL and a malformed pair", () => {
    expect(problems({ ...resources, RESOURCE_ACCESS_TOKEN_TTL: "https://other.example.test=300" })[0]).toMatch(
      /^RESOURCE_ACCESS_TOKEN_TTL: https:\/\/other.example.test is not one of RESOURCE_SERVERS/,
    );
    expect(problems({ ...resources, RESOURCE_ACCESS_TOKEN_TTL: "https://billing.example.test=901" })[0]).toMatch(
      /longer than ACCESS_TOKEN_TTL \(900\)/,
    );
    expect(problems({ ...resources, RESOURCE_ACCESS_TOKEN_TTL: "https://billing.example.test" })[0]).toMatch(
      /^RESOURCE_ACCESS_TOKEN_TTL: resource=seconds/,
    );
    expect(problems({ ...resources, RESOURCE_ACCESS_TOKEN_TTL: "https://billing.example.test=0" })[0]).toMatch(
      /^RESOURCE_ACCESS_TOKEN_TTL:/,
    );
  });
});
