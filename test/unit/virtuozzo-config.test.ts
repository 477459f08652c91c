// The Virtuozzo plugin's settings: off by default (not loaded); on, it needs a platform URL and loads the plugin
// module (an existing file beside the running tree) with its permissions like any listed plugin.
import { existsSync } from "node:fs";
import { describe, it, expect } from "vitest";
import { ConfigError, loadConfig } from "../../src/config/load.ts";
import { importPlugins } from "../../src/plugins/loader.ts";

const BASE = { NODE_ENV: "test", MASTER_KEY: "A".repeat(43) + "=", COOKIE_KEYS: "k".repeat(32), LOG_LEVEL: "silent" };

describe("Virtuozzo settings", () => {
  it("off by default: no plugin module, no platform", () => {
    const config = loadConfig(BASE);
    expect(config.virtuozzo).toMatchObject({
      enabled: false,
      platformUrls: [],
      allowedGroupTypes: ["billing"],
      safetyWindowSeconds: 300,
      sessionTtlSeconds: 86400,
      timeoutMs: 5000,
    });
    expect(config.plugins.some((p) => p.includes("virtuozzo"))).toBe(false);
  });

  it("on without a platform URL: refused at start with the setting's name", () => {
    expect(() => loadConfig({ ...BASE, VIRTUOZZO_ENABLED: "true" })).toThrow(ConfigError);
    expect(() => loadConfig({ ...BASE, VIRTUOZZO_ENABLED: "true" })).toThrow(/VIRTUOZZO_PLATFORM_URLS: required when VIRTUOZZO_ENABLED/);
    expect(() => loadConfig({ ...BASE, VIRTUOZZO_ENABLED: "true", VIRTUOZZO_PLATFORM_URLS: "not a url" })).toThrow(
      /VIRTUOZZO_PLATFORM_URLS/,
    );
  });

  it("on: the plugin module is loaded like a listed plugin, URLs without a trailing slash, group types lower-cased", async () => {
    const config = loadConfig({
      ...BASE,
      VIRTUOZZO_ENABLED: "true",
      VIRTUOZZO_PLATFORM_URLS: "https://app.one.example/, https://app.two.example",
      VIRTUOZZO_ALLOWED_GROUP_TYPES: "Billing, POST",
    });
    expect(config.virtuozzo).toMatchObject({
      enabled: true,
      platformUrls: ["https://app.one.example", "https://app.two.example"],
      allowedGroupTypes: ["billing", "post"],
    });
    const module = config.plugins.find((p) => p.includes("virtuozzo"))!;
    expect(existsSync(module)).toBe(true);
    const [loaded] = await importPlugins([module]);
    expect(loaded!.plugin.id).toBe("virtuozzo");
    expect(Object.keys(loaded!.plugin.permissions).sort()).toEqual(["virtuozzo.link.manage", "virtuozzo.session.read"]);
  });

  it("a safety window as long as the session's life is refused at start (every request would sign in again)", () => {
    const on = { ...BASE, VIRTUOZZO_ENABLED: "true", VIRTUOZZO_PLATFORM_URLS: "https://app.one.example" };
    expect(() => loadConfig({ ...on, VIRTUOZZO_SESSION_TTL: "600", VIRTUOZZO_SAFETY_WINDOW_SECONDS: "600" })).toThrow(
      /VIRTUOZZO_SAFETY_WINDOW_SECONDS: must be less than VIRTUOZZO_SESSION_TTL \(600 >= 600\)/,
    );
    expect(() => loadConfig({ ...on, VIRTUOZZO_SESSION_TTL: "600", VIRTUOZZO_SAFETY_WINDOW_SECONDS: "900" })).toThrow(
      /VIRTUOZZO_SAFETY_WINDOW_SECONDS/,
    );
    expect(loadConfig({ ...on, VIRTUOZZO_SESSION_TTL: "600", VIRTUOZZO_SAFETY_WINDOW_SECONDS: "599" }).virtuozzo.safetyWindowSeconds).toBe(
      599,
    );
  });

  it("production: plain http:// platform URLs are refused (the platform password crosses them); tests may use loopback http", () => {
    expect(() =>
      loadConfig({
        ...BASE,
        NODE_ENV: "production",
        VIRTUOZZO_ENABLED: "true",
        VIRTUOZZO_PLATFORM_URLS: "https://ok.example,http://plain.example",
      }),
    ).toThrow(
      /VIRTUOZZO_PLATFORM_URLS: must be https:\/\/ URLs in production \(the platform password crosses it\): http:\/\/plain\.example/,
    );
    expect(
      loadConfig({ ...BASE, VIRTUOZZO_ENABLED: "true", VIRTUOZZO_PLATFORM_URLS: "http://127.0.0.1:9" }).virtuozzo.platformUrls,
    ).toEqual(["http://127.0.0.1:9"]);
  });
});
