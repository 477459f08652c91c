// Body parsing for Gatehouse's own POST routes only (oidc-provider parses its own endpoints' bodies), with
// the configured size limit: an oversized body is a 413 before any work is done, and a body holding a NUL
// character anywhere is a 400 (nul-characters.ts).
import { bodyParser } from "@koa/bodyparser";
import type { Middleware } from "koa";
import { hasNul, nulRefused } from "./nul-characters.ts";

function refusingNul(parse: Middleware): Middleware {
  return (ctx, next) =>
    parse(ctx, async () => {
      if (hasNul(ctx.request.body)) throw nulRefused("body");
      await next();
    });
}

/** form and JSON bodies (the pages) */
export function parseBody(limit: string): Middleware {
  return refusingNul(bodyParser({ enableTypes: ["form", "json"], formLimit: limit, jsonLimit: limit }));
}

/** JSON bodies only (the REST API; DELETE too: DELETE /api/v1/me carries the password) */
export function parseJsonBody(limit: string): Middleware {
  return refusingNul(bodyParser({ enableTypes: ["json"], jsonLimit: limit, parsedMethods: ["POST", "PUT", "PATCH", "DELETE"] }));
}
