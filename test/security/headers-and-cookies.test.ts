// Response headers and cookies (checklist 27, 30) and failing safely: a strict CSP without inline script, no
// framing, nosniff, no referrer, request ids; HttpOnly + SameSite=Lax session and interaction cookies; oversized
// bodies and unknown paths answered without stack traces; health and readiness, including Redis gone.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import Koa from "koa";
import request from "supertest";
import * as client from "openid-client";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser, type Page } from "../helpers/browser.ts";
import { discover } from "../helpers/oidc-flow.ts";
import { securityHeaders } from "../../src/http/security-headers.ts";

const REDIRECT = "https://rp.example.test/callback";

/** CSP directives by name, each with its sources */
function parseCsp(header: string | null): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of (header ?? "").split(";")) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) out.set(name.toLowerCase(), sources);
  }
  return out;
}

/** name and lower-cased attributes of one Set-Cookie header */
function parseSetCookie(header: string): { name: string; attrs: Map<string, string> } {
  const [pair = "", ...attrs] = header.split(";");
  return {
    name: pair.split("=")[0]!.trim(),
    attrs: new Map(
      attrs.map((a) => {
        const [k = "", ...v] = a.trim().split("=");
        return [k.toLowerCase(), v.join("=").toLowerCase()] as const;
      }),
    ),
  };
}

/** nothing that looks like a stack trace or an internal path */
function expectNoStackTrace(body: string) {
  expect(body).not.toMatch(/\n\s+at\s/);
  expect(body).not.toMatch(/node_modules|\/src\/|\.ts:\d+|\.js:\d+/);
  expect(body).not.toMatch(/\b(TypeError|ReferenceError|PayloadTooLargeError|Error):/);
}

describe("security headers and cookies", () => {
  let t: TestApp;
  let rp: client.Configuration;

  beforeAll(async () => {
    t = await startTestApp();
    const { clientId, clientSecret } = await t.createClient({
      name: "Headers RP",
      type: "confidential",
      redirectUris: [REDIRECT],
      grantTypes: ["authorization_code", "refresh_token"],
    });
    rp = await discover(t.url, clientId, clientSecret);
  });
  afterAll(async () => {
    await t?.close();
  });

  async function authorizationUrl(): Promise<string> {
    const verifier = client.randomPKCECodeVerifier();
    return client
      .buildAuthorizationUrl(rp, {
        redirect_uri: REDIRECT,
        scope: "openid profile email",
        prompt: "consent",
        state: client.randomState(),
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: "S256",
      })
      .toString();
  }

  /** like browser.go, but keeps every Set-Cookie header seen on the way */
  async function walk(browser: TestBrowser, url: string, init: RequestInit | undefined, setCookies: string[]): Promise<Page> {
    let current = url;
    let res = await browser.request(current, init);
    setCookies.push(...res.headers.getSetCookie());
    for (let hops = 0; res.status >= 300 && res.status < 400 && hops < 20; hops++) {
      current = new URL(res.headers.get("location")!, current).toString();
      if (current.startsWith(REDIRECT)) return { url: current, status: res.status, html: "", headers: res.headers };
      res = await browser.request(current);
      setCookies.push(...res.headers.getSetCookie());
    }
    return { url: current, status: res.status, html: await res.text(), headers: res.headers };
  }

  describe.each([
    ["the login page", "login"],
    ["the home page", "/"],
  ] as const)("headers on %s", (_label, which) => {
    let page: Page;
    beforeAll(async () => {
      const browser = new TestBrowser(t.url);
      page = which === "login" ? await browser.go(await authorizationUrl(), { stopAt: REDIRECT }) : await browser.go(`${t.url}/`);
      expect(page.status).toBe(200);
      if (which === "login") expect(page.html).toContain('name="password"');
    });

    it("a strict Content-Security-Policy", () => {
      const csp = parseCsp(page.headers.get("content-security-policy"));
      expect(csp.get("default-src")).toEqual(["'self'"]);
      expect(csp.get("script-src")).toEqual(["'self'"]);
      expect(csp.get("frame-ancestors")).toEqual(["'none'"]);
      expect(csp.get("object-src")).toEqual(["'none'"]);
      for (const sources of csp.values()) {
        expect(sources).not.toContain("'unsafe-inline'");
        expect(sources).not.toContain("'unsafe-eval'");
        expect(sources).not.toContain("*");
      }
      // and the page itself needs no inline script to work under it
      expect(page.html).not.toMatch(/<script\b(?![^>]*\bsrc=)[^>]*>/i);
      expect(page.html).not.toMatch(/\son[a-z]+\s*=/i);
    });

    it("nosniff, no referrer, a request id, and no HSTS outside production", () => {
      expect(page.headers.get("x-content-type-options")).toBe("nosniff");
      expect(page.headers.get("referrer-policy")).toBe("same-origin");
      expect(page.headers.get("x-request-id")).toMatch(/^[\w.-]{8,64}$/);
      expect(page.headers.get("strict-transport-security")).toBeNull();
    });
  });

  it("the provider's machine-facing endpoints (served before the router) carry the same headers, request ids and caching", async () => {
    const answers = await Promise.all([
      fetch(`${t.url}/jwks`),
      fetch(`${t.url}/.well-known/openid-configuration`),
      fetch(`${t.url}/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "grant_type=client_credentials",
      }),
      fetch(`${t.url}/me`),
      fetch(`${t.url}/token/introspection`, { method: "POST" }),
    ]);
    for (const res of answers) {
      expect(res.headers.get("x-content-type-options"), res.url).toBe("nosniff");
      expect(res.headers.get("referrer-policy"), res.url).toBe("same-origin");
      expect(res.headers.get("x-request-id"), res.url).toMatch(/^[\w.-]{8,64}$/);
      expect(res.status, res.url).toBeLessThan(500);
    }
    expect(answers[0]!.headers.get("cache-control")).toBe("public, max-age=300");
    expect(answers[1]!.headers.get("cache-control")).toBe("public, max-age=300");
    expect(answers[2]!.headers.get("cache-control")).toBe("no-store");
    // every URL in discovery comes from ISSUER (issuer-host.ts runs before the lane)
    expect(((await answers[1]!.json()) as { jwks_uri: string }).jwks_uri).toBe(`${t.url}/jwks`);
  });

  it("echoes a valid incoming X-Request-Id and replaces an invalid one", async () => {
    const mine = "test-request-0123456789";
    const echoed = await fetch(`${t.url}/`, { headers: { "x-request-id": mine } });
    expect(echoed.headers.get("x-request-id")).toBe(mine);
    for (const bad of ["short", "has spaces in it", "x".repeat(65), 'a<b>c"d;e=f-1234']) {
      const res = await fetch(`${t.url}/`, { headers: { "x-request-id": bad } });
      const id = res.headers.get("x-request-id");
      expect(id).not.toBe(bad);
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it("the interaction, CSRF and session cookies are HttpOnly and SameSite=Lax", async () => {
    const user = await t.createUser();
    const browser = new TestBrowser(t.url);
    const setCookies: string[] = [];
    const login = await walk(browser, await authorizationUrl(), undefined, setCookies);
    expect(login.html).toContain('name="password"');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(login.html)?.[1] ?? "";
    const body = new URLSearchParams({ _csrf: csrf, identifier: user.email, password: user.password }).toString();
    const consent = await walk(
      browser,
      `${login.url}/login`,
      { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", origin: t.url }, body },
      setCookies,
    );
    expect(consent.html).toContain("/confirm");

    const cookies = setCookies.map(parseSetCookie);
    const names = new Set(cookies.map((c) => c.name));
    for (const expected of ["gh.interaction", "gh.session", "gh.csrf"]) expect(names, `${expected} was set`).toContain(expected);
    for (const c of cookies) {
      expect(c.attrs.has("httponly"), `${c.name} HttpOnly`).toBe(true);
      expect(c.attrs.get("samesite"), `${c.name} SameSite`).toBe("lax");
    }
  });

  it("a 200 KB form body is refused with 413, without a stack trace", async () => {
    const body = `identifier=a%40example.test&password=${"a".repeat(200 * 1024)}`;
    for (const accept of ["text/html", "application/json"]) {
      const res = await fetch(`${t.url}/interaction/x/login`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", origin: t.url, accept },
        body,
      });
      expect(res.status).toBe(413);
      expectNoStackTrace(await res.text());
    }
  });

  it.each(["/interaction/some-uid/unknown", "/interaction/some-uid/login/extra", "/static/no-such-file.js", "/no-such-page"])(
    "%s: 404 without a stack trace",
    async (path) => {
      const res = await fetch(`${t.url}${path}`, { headers: { accept: "text/html" } });
      expect(res.status).toBe(404);
      expectNoStackTrace(await res.text());
    },
  );

  it("an interaction that does not exist: a clear 4xx page, no stack trace", async () => {
    const res = await fetch(`${t.url}/interaction/no-such-uid`, { headers: { accept: "text/html" } });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expectNoStackTrace(await res.text());
  });

  it("/healthz and /readyz report ok", async () => {
    const health = await fetch(`${t.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
    const ready = await fetch(`${t.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ checks: { postgres: "ok", redis: "ok" } });
  });
});

describe("securityHeaders in production", () => {
  const appWith = (production: boolean) => {
    const koa = new Koa();
    koa.use(securityHeaders({ production }));
    koa.use((ctx) => {
      ctx.body = "ok";
    });
    return koa.callback();
  };

  it("sends HSTS for a year with subdomains, and upgrades insecure requests", async () => {
    const res = await request(appWith(true)).get("/");
    expect(res.status).toBe(200);
    expect(res.headers["strict-transport-security"]).toBe("max-age=31536000; includeSubDomains");
    const csp = parseCsp(res.headers["content-security-policy"] ?? null);
    expect(csp.has("upgrade-insecure-requests")).toBe(true);
    expect(csp.get("frame-ancestors")).toEqual(["'none'"]);
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["referrer-policy"]).toBe("same-origin");
  });

  it("sends no HSTS outside production", async () => {
    const res = await request(appWith(false)).get("/");
    expect(res.headers["strict-transport-security"]).toBeUndefined();
    expect(parseCsp(res.headers["content-security-policy"] ?? null).has("upgrade-insecure-requests")).toBe(false);
  });
});

// Last: this one breaks its own app's Redis on purpose.
describe("readiness when Redis is gone", () => {
  let broken: TestApp;
  beforeAll(async () => {
    broken = await startTestApp();
  });
  afterAll(async () => {
    await broken?.close();
  });

  it("/readyz answers 503 with checks.redis unavailable; /healthz still 200", async () => {
    expect((await fetch(`${broken.url}/readyz`)).status).toBe(200);
    broken.app.redis.disconnect();
    const ready = await fetch(`${broken.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: "not_ready", checks: { postgres: "ok", redis: "unavailable" } });
    expect((await fetch(`${broken.url}/healthz`)).status).toBe(200);
  });
});
