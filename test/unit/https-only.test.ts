import { describe, it, expect } from "vitest";
import Koa from "koa";
import request from "supertest";
import { httpsOnly } from "../../src/http/https-only.ts";

function app(proxy: boolean) {
  const koa = new Koa({ proxy });
  koa.use(httpsOnly("https://id.example.test"));
  koa.use((ctx) => {
    ctx.body = "ok";
  });
  return koa.callback();
}

describe("httpsOnly (production)", () => {
  it("redirects plain-HTTP GETs to the issuer's https URL", async () => {
    const res = await request(app(false)).get("/auth?client_id=x");
    expect(res.status).toBe(301);
    expect(res.headers.location).toBe("https://id.example.test/auth?client_id=x");
  });
  it.each(["//evil.example.test/x", "/\\evil.example.test/x", "//evil.example.test"])(
    "never redirects off the issuer's origin (%s)",
    async (path) => {
      const res = await request(app(false)).get(path);
      expect(res.status).toBe(301);
      expect(new URL(res.headers.location!).origin).toBe("https://id.example.test");
      expect(res.headers.location).toBe("https://id.example.test/");
    },
  );
  it("refuses plain-HTTP POSTs", async () => {
    const res = await request(app(false)).post("/token").send("grant_type=x");
    expect(res.status).toBe(403);
    expect(res.body.error).toBe("https_required");
  });
  it("serves requests a trusted proxy says came over HTTPS", async () => {
    const res = await request(app(true)).get("/auth").set("X-Forwarded-Proto", "https");
    expect(res.status).toBe(200);
  });
  it("ignores X-Forwarded-Proto when the proxy is not trusted", async () => {
    const res = await request(app(false)).get("/auth").set("X-Forwarded-Proto", "https");
    expect(res.status).toBe(301);
  });
  it("keeps health checks reachable over HTTP", async () => {
    expect((await request(app(false)).get("/healthz")).status).toBe(200);
  });
});
