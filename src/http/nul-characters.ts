// NUL characters have no place in any of Gatehouse's inputs, and Postgres refuses them in text (a 500 deep in a
// query otherwise). They are refused at the edge with one 400: in the path and query string of every request
// (refuseNulInUrl, before any route or oidc-provider sees them) and in every body Gatehouse parses itself
// (hasNul, used by body.ts).
import type { Context, Middleware } from "koa";
import { catalogueError } from "./errors.ts";

const ENCODED_NUL = /%00/;

export const nulRefused = (where: string) => catalogueError("request.invalid_characters", { where });

/** whether any string (or object key) inside a parsed body holds a NUL; iterative, so deep nesting is fine */
export function hasNul(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v === "string") {
      if (v.includes("\0")) return true;
    } else if (Array.isArray(v)) {
      for (const item of v) stack.push(item); // not push(...v): a huge array would overflow the call's arguments
    } else if (v && typeof v === "object") {
      for (const [k, inner] of Object.entries(v)) {
        if (k.includes("\0")) return true;
        stack.push(inner);
      }
    }
  }
  return false;
}

/** where in the URL a NUL is, if anywhere */
export function nulInUrl(ctx: Context): "path" | "query string" | undefined {
  if (ENCODED_NUL.test(ctx.path) || ctx.path.includes("\0")) return "path";
  if (ENCODED_NUL.test(ctx.querystring) || ctx.querystring.includes("\0")) return "query string";
  return undefined;
}

export function refuseNulInUrl(): Middleware {
  return async (ctx, next) => {
    const where = nulInUrl(ctx);
    if (where) throw nulRefused(where);
    await next();
  };
}
