// NAME_FILE for secret settings: the value comes from the file (trailing line break dropped), validated like the
// variable itself; NAME and NAME_FILE together, or an unreadable file, stop with a message naming the setting.
import { describe, it, expect } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { loadConfig, ConfigError } from "../../src/config/load.ts";

const dir = mkdtempSync(path.join(os.tmpdir(), "gh-secret-files-"));
const file = (name: string, content: string) => {
  const p = path.join(dir, name);
  writeFileSync(p, content, { mode: 0o600 });
  return p;
};
const production = {
  NODE_ENV: "production",
  ISSUER: "https://id.example.test",
  DATABASE_URL: "postgresql://db.example.test/gatehouse",
  REDIS_URL: "redis://cache.example.test:6379",
  SMTP_URL: "smtp://mail.example.test:587",
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

describe("secrets from files (NAME_FILE)", () => {
  it("reads MASTER_KEY, COOKIE_KEYS and the URLs from files, without their trailing line break", () => {
    const master = randomBytes(32);
    const config = loadConfig({
      NODE_ENV: "production",
      ISSUER: "https://id.example.test",
      MASTER_KEY_FILE: file("master", `${master.toString("base64")}\n`),
      COOKIE_KEYS_FILE: file("cookies", `${"a".repeat(32)},${"b".repeat(32)}\n`),
      DATABASE_URL_FILE: file("db", "postgresql://u:secret@db.example.test/gatehouse\n"),
      REDIS_URL_FILE: file("redis", "redis://:secret@cache.example.test:6379"),
      SMTP_URL_FILE: file("smtp", "smtp://u:secret@mail.example.test:587\r\n"),
    });
    expect(config.secrets.masterKey.equals(master)).toBe(true);
    expect(config.secrets.cookieKeys).toEqual(["a".repeat(32), "b".repeat(32)]);
    expect(config.database.url).toBe("postgresql://u:secret@db.example.test/gatehouse");
    expect(config.redis.url).toBe("redis://:secret@cache.example.test:6379");
  });

  it("a file's value is validated like the variable's", () => {
    expect(problems({ ...production, COOKIE_KEYS: "k".repeat(32), MASTER_KEY_FILE: file("short", "c2hvcnQ=\n") })).toEqual([
      expect.stringMatching(/^MASTER_KEY: must be 32 random bytes in base64/),
    ]);
  });

  it("both NAME and NAME_FILE, or an unreadable file, stop with the setting's name", () => {
    const master = randomBytes(32).toString("base64");
    expect(problems({ ...production, COOKIE_KEYS: "k".repeat(32), MASTER_KEY: master, MASTER_KEY_FILE: file("m2", master) })).toEqual([
      "MASTER_KEY_FILE: MASTER_KEY is set as well; set one of them",
    ]);
    expect(problems({ ...production, MASTER_KEY: master, COOKIE_KEYS_FILE: path.join(dir, "missing") })).toEqual([
      `COOKIE_KEYS_FILE: cannot read ${path.join(dir, "missing")} (ENOENT)`,
    ]);
  });
});
