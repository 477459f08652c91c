// defineForms' shared defaults (src/http/forms.ts): a router's forms take the guard and the CSRF binding given once,
// a form may override either (an empty guard: no sign-in), a form without fields needs no body schema, and a form
// with no CSRF binding anywhere is refused when it is registered.
import { describe, it, expect } from "vitest";
import Koa from "koa";
import Router from "@koa/router";
import request from "supertest";
import type { Context, Next } from "koa";
import { createCsrf } from "../../src/http/csrf.ts";
import type { RateLimits } from "../../src/http/rate-limit.ts";
import { AppError } from "../../src/http/errors.ts";
import { defineForms } from "../../src/http/forms.ts";

const ISSUER = "http://id.example.test";

function buildApp() {
  const csrf = createCsrf({ cookieKeys: ["k".repeat(32)], secureCookies: false, issuer: ISSUER });
  const deps = { csrf, rateLimits: {} as RateLimits, config: { bodyLimit: "16kb" } }; // these forms spend no limit
  const router = new Router();
  const signedIn = async (ctx: Context, next: Next) => {
    if (ctx.get("x-user") !== "ada") throw new AppError("account.required", 401, "Sign in first.");
    await next();
  };
  for (const binding of ["page", "other"]) router.get(`/token/${binding}`, (ctx) => (ctx.body = { token: csrf.token(ctx, binding) }));
  const forms = defineForms(router, deps, { guard: signedIn, csrf: "page" });
  forms.post({ path: "/shared", handle: async (ctx) => void (ctx.body = "shared") });
  forms.post({ path: "/own-binding", csrf: "other", handle: async (ctx) => void (ctx.body = "other") });
  forms.post({ path: "/public", guard: [], handle: async (ctx) => void (ctx.body = "public") });

  const koa = new Koa();
  koa.use(async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      ctx.status = err.status;
      ctx.body = { code: err.code };
    }
  });
  koa.use(router.routes());
  return { server: koa.callback(), deps };
}

describe("defineForms defaults", () => {
  const { server, deps } = buildApp();
  const agent = request.agent(server);
  const token = async (binding: string) => (await agent.get(`/token/${binding}`)).body.token as string;
  const post = (path: string, fields: Record<string, string>, user = "ada") =>
    agent.post(path).set("x-user", user).set("origin", ISSUER).type("form").send(fields);

  it("guards every form with the shared guard and checks the shared binding", async () => {
    const page = await token("page");
    expect((await post("/shared", { _csrf: page })).text).toBe("shared");
    expect((await post("/shared", { _csrf: page }, "nobody")).status).toBe(401);
    expect((await post("/shared", { _csrf: await token("other") })).status).toBe(403);
    expect((await post("/shared", {})).status).toBe(403);
  });

  it("lets a form name its own binding, or drop the guard", async () => {
    expect((await post("/own-binding", { _csrf: await token("page") })).status).toBe(403);
    expect((await post("/own-binding", { _csrf: await token("other") })).text).toBe("other");
    const open = await post("/public", { _csrf: await token("page") }, "nobody");
    expect(open.text).toBe("public");
    expect((await post("/public", {}, "nobody")).status).toBe(403);
  });

  it("refuses to register a form with no CSRF binding at all", () => {
    const forms = defineForms(new Router(), deps);
    expect(() => forms.post({ path: "/unprotected", handle: async () => {} })).toThrow(/CSRF binding/);
  });
});
