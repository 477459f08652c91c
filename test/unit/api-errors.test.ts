// The global error handler answers every path under /api with the API's JSON error ({code, message, data}), whatever
// the Accept header and whatever was thrown: an unexpected error is a plain 500 with no message or stack of its own,
// another 4xx keeps its status under a code named after it (its text is not shown), and an error status nothing
// answered (a bare 404 or 405) gets the same body. Pages outside /api keep their HTML error pages.
import { describe, it, expect } from "vitest";
import Koa from "koa";
import request from "supertest";
import { errorHandler } from "../../src/http/error-handler.ts";
import { isApiPath } from "../../src/http/api-errors.ts";
import { AppError } from "../../src/http/errors.ts";

function app() {
  const koa = new Koa();
  koa.silent = true;
  koa.use(errorHandler({ render: async (_page, locals) => `<!doctype html><p>${String(locals.message)}</p>` }));
  koa.use((ctx) => {
    const what = ctx.path.split("/").pop();
    if (what === "crash") throw new Error("secret: connection string postgres://u:p@db");
    if (what === "thrown-406") ctx.throw(406, "internal detail");
    if (what === "app-error") throw new AppError("thing.refused", 409, "That thing is refused.", { id: 1 });
    if (what === "bare-405") ctx.status = 405;
    if (what === "ok") ctx.body = { ok: true };
    // anything else: nothing answers (Koa's 404)
  });
  return koa.callback();
}

describe("errors under /api", () => {
  it("knows the API's paths", () => {
    for (const path of ["/api", "/api/", "/api/v1/users", "/API/v1", "/api%2Fv1", "/api/%E0%A4%A"])
      expect(isApiPath(path), path).toBe(true);
    for (const path of ["/", "/apis", "/apix/v1", "/login", "//api/v1", "/static/api/x", "/%E0%A4%A"])
      expect(isApiPath(path), path).toBe(false);
  });

  const expectApiError = (res: request.Response, status: number, code: string) => {
    expect(res.status).toBe(status);
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    expect(res.headers["cache-control"]).toBe("no-store");
    expect(Object.keys(res.body as object).sort()).toEqual(["code", "data", "message"]);
    expect(res.body.code).toBe(code);
    expect(res.text).not.toMatch(/<!doctype|\n\s+at |secret|internal detail/i);
  };

  it.each(["text/html", "*/*", "application/json"])("answers JSON for every kind of error (Accept: %s)", async (accept) => {
    const call = (path: string) => request(app()).get(path).set("accept", accept);
    expectApiError(await call("/api/v1/crash"), 500, "internal_error");
    expectApiError(await call("/api/v1/thrown-406"), 406, "not_acceptable");
    expectApiError(await call("/api/v1/bare-405"), 405, "method_not_allowed");
    expectApiError(await call("/api/v1/nothing"), 404, "not_found");
    expectApiError(await call("/api"), 404, "not_found");
    const known = await call("/api/v1/app-error");
    expectApiError(known, 409, "thing.refused");
    expect(known.body).toEqual({ code: "thing.refused", message: "That thing is refused.", data: { id: 1 } });
    expect((await call("/api/v1/ok")).body).toEqual({ ok: true });
  });

  it("pages outside /api keep their HTML error pages", async () => {
    const res = await request(app()).get("/account/crash").set("accept", "text/html");
    expect(res.status).toBe(500);
    expect(res.headers["content-type"]).toMatch(/^text\/html/);
    expect(res.text).not.toContain("secret");
  });
});
