// defineForms (src/http/forms.ts) over real HTTP with the real CSRF check and the real rate limiter (its
// in-process store): every POST checks CSRF before anything else runs, a refused body re-renders the route's
// page with the first message and a 400, the declared limit answers 429, a guard's refusal is a 403, and the
// handler only ever sees a typed, parsed body.
import { describe, it, expect, beforeEach } from "vitest";
import Koa from "koa";
import Router from "@koa/router";
import request from "supertest";
import { z } from "zod";
import type { Context, Next } from "koa";
import { createCsrf } from "../../src/http/csrf.ts";
import { createRateLimits } from "../../src/http/rate-limit.ts";
import { AppError } from "../../src/http/errors.ts";
import { defineForms, formField } from "../../src/http/forms.ts";
import type { RedisClient } from "../../src/db/redis.ts";

const ISSUER = "http://id.example.test";
const limits = {
  loginPerIp: 100,
  loginPerIdentifier: 100,
  accountPerIp: 3,
  accountPerIdentifier: 100,
  strengthPerIp: 100,
  invitesPerUser: 100,
  resetPerIp: 100,
  resetPerIdentifier: 100,
  codePerUser: 100,
  codePerIp: 100,
  deviceCodePerUser: 100,
  deviceCodePerIp: 100,
  riskLinkPerIp: 100,
  riskHoldPerUser: 100,
  exportPerUser: 100,
  magicLinkPerIp: 100,
  magicLinkPerIdentifier: 100,
};

type Handled = { name: string; age: number; team: string };

function buildApp() {
  const handled: Handled[] = [];
  const csrf = createCsrf({ cookieKeys: ["k".repeat(32)], secureCookies: false, issuer: ISSUER });
  // the in-process store (as in development): the same limiter code as Redis' without a shared Redis
  const rateLimits = createRateLimits({ redis: undefined as unknown as RedisClient, embedded: true, ...limits });
  const router = new Router();
  const forms = defineForms(router, { csrf, rateLimits, config: { bodyLimit: "16kb" } });
  // stands in for requireAdmin(permission): the role comes from a header here
  const requireEditor = async (ctx: Context, next: Next) => {
    if (ctx.get("x-role") !== "editor") throw new AppError("admin.forbidden", 403, "Your account does not have access to this.");
    await next();
  };
  const form = z.object({
    name: z.string().trim().min(1, "Enter a name."),
    age: z.coerce.number().int("Enter a whole number.").min(0, "Enter a whole number."),
  });

  router.get("/teams/:team/form", (ctx) => {
    ctx.body = { token: csrf.token(ctx, `team:${ctx.params.team}`) };
  });
  forms.post({
    path: "/teams/:team/form",
    guard: requireEditor,
    scope: async (ctx) => String(ctx.params.team),
    csrf: (_ctx, { scope }) => `team:${scope}`,
    rateLimit: { limit: "accountPerIp" },
    params: z.object({ team: z.string().regex(/^[a-z]+$/, "No such team.") }),
    body: form,
    async invalid(ctx, problem, { scope, submitted }) {
      ctx.status = 400;
      ctx.type = "html";
      ctx.body = `<p class="error" data-field="${problem.field}">${problem.message}</p><p>team ${scope}, typed ${String(submitted.name ?? "")}</p>`;
    },
    async handle(ctx, { scope, body }) {
      handled.push({ ...body, team: scope });
      ctx.body = "saved";
    },
  });

  // no `invalid`: a refused body is the error page (400) with the first message; formField takes a missing field
  router.get("/plain", (ctx) => {
    ctx.body = { token: csrf.token(ctx, "plain") };
  });
  forms.post({
    path: "/plain",
    csrf: "plain",
    body: z.object({ confirm: formField((v) => v === "yes"), count: z.coerce.number().int("Enter a whole number.") }),
    async handle(ctx, { body }) {
      ctx.body = body;
    },
  });

  const koa = new Koa();
  koa.use(async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      ctx.status = err.status;
      ctx.body = { code: err.code, message: err.publicMessage };
    }
  });
  koa.use(router.routes());
  return { handled, server: koa.callback() };
}

describe("defineForms", () => {
  let app: ReturnType<typeof buildApp>;
  let agent: ReturnType<typeof request.agent>;
  let token: string;
  beforeEach(async () => {
    app = buildApp();
    agent = request.agent(app.server);
    token = (await agent.get("/teams/red/form")).body.token;
    expect(token).toMatch(/^[\w-]{20,}$/);
  });
  const post = (fields: Record<string, string>, path = "/teams/red/form", role = "editor") =>
    agent.post(path).set("x-role", role).set("origin", ISSUER).type("form").send(fields);

  it("hands the handler the parsed, typed body", async () => {
    const res = await post({ _csrf: token, name: "  Ada ", age: "36" });
    expect(res.status).toBe(200);
    expect(res.text).toBe("saved");
    expect(app.handled).toEqual([{ name: "Ada", age: 36, team: "red" }]);
  });

  it("refuses a POST without the CSRF token (403) before reading the body", async () => {
    const res = await post({ name: "" });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe("csrf.invalid_token");
    expect(app.handled).toEqual([]);
  });

  it("refuses a token made for another binding, and a post from another site", async () => {
    const other = (await agent.get("/teams/blue/form")).body.token;
    expect((await post({ _csrf: other, name: "Ada", age: "1" })).status).toBe(403);
    const foreign = await agent
      .post("/teams/red/form")
      .set("x-role", "editor")
      .set("origin", "https://evil.example.test")
      .type("form")
      .send({ _csrf: token, name: "Ada", age: "1" });
    expect(foreign.status).toBe(403);
    expect(foreign.body.code).toBe("csrf.foreign_origin");
    expect(app.handled).toEqual([]);
  });

  it("re-renders the route's page with the first message and a 400 for a bad body", async () => {
    const res = await post({ _csrf: token, name: " ", age: "-2" });
    expect(res.status).toBe(400);
    expect(res.text).toContain('<p class="error" data-field="name">Enter a name.</p>');
    expect(res.text).toContain("team red, typed  ");
    expect(app.handled).toEqual([]);
  });

  it("answers bad URL parameters like a bad body", async () => {
    const teamToken = (await agent.get("/teams/Red1/form")).body.token;
    const res = await post({ _csrf: teamToken, name: "Ada", age: "1" }, "/teams/Red1/form");
    expect(res.status).toBe(400);
    expect(res.text).toContain("No such team.");
    expect(app.handled).toEqual([]);
  });

  it("answers 429 once the declared limit is spent, and a refused CSRF spends none of it", async () => {
    for (let i = 0; i < 5; i++) expect((await post({ name: "x", age: "1" })).status).toBe(403);
    for (let i = 0; i < 3; i++) expect((await post({ _csrf: token, name: "Ada", age: String(i) })).status).toBe(200);
    const res = await post({ _csrf: token, name: "Ada", age: "9" });
    expect(res.status).toBe(429);
    expect(res.body.code).toBe("rate_limited");
    expect(app.handled.map((h) => h.age)).toEqual([0, 1, 2]);
  });

  it("reads a missing field through formField, and answers the error page's 400 for a route without `invalid`", async () => {
    const plain = (await agent.get("/plain")).body.token;
    const ok = await agent.post("/plain").set("origin", ISSUER).type("form").send({ _csrf: plain, count: "3" });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ confirm: false, count: 3 });
    const confirmed = await agent.post("/plain").set("origin", ISSUER).type("form").send({ _csrf: plain, count: "3", confirm: "yes" });
    expect(confirmed.body).toEqual({ confirm: true, count: 3 });
    const bad = await agent.post("/plain").set("origin", ISSUER).type("form").send({ _csrf: plain, count: "1.5" });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ code: "form.invalid", message: "Enter a whole number." });
  });

  it("refuses a user without the permission (403) whatever the form holds", async () => {
    const res = await post({ _csrf: token, name: "Ada", age: "1" }, "/teams/red/form", "viewer");
    expect(res.status).toBe(403);
    expect(res.body.code).toBe("admin.forbidden");
    expect(app.handled).toEqual([]);
  });
});
