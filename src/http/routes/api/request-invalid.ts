// The API's one 400 request.invalid: for input a route's schema refused (the registry, openapi.ts) and for input
// it let through but a service refused (a ZodError from the service's schema, or a rule the service checks
// itself). data.issues (code, path starting with "params", "query" or "body", message), data.problems for
// people, and data.field when one field is at fault.
import type { ZodError } from "zod";
import { catalogueError, type AppError } from "../../errors.ts";

export type Where = "params" | "query" | "body";
export type Issue = { code: string; path: (string | number)[]; message: string };

export function requestInvalid(where: Where, issues: Issue[], extra: Record<string, unknown> = {}): AppError {
  const problems = issues.map((i) => `${i.path.slice(1).join(".") || where}: ${i.message}`);
  // the whole message ends with the problems: a full stop after them makes it a sentence
  return catalogueError("request.invalid", { issues, problems, ...extra }, { where, problems: sentence(problems.join("; ")) });
}

/** the text as a sentence: a full stop added unless it already ends in . ! or ? */
const sentence = (text: string) => (/[.!?]$/.test(text) ? text : `${text}.`);

/** the issues of a service's ZodError, their paths under `where` */
export function zodInvalid(where: Where, error: ZodError): AppError {
  return requestInvalid(
    where,
    error.issues.map((i) => ({
      code: i.code,
      path: [where, ...i.path.map((p) => (typeof p === "symbol" ? String(p) : p))],
      message: i.message,
    })),
  );
}

/** one field a service refused (a rule it checks itself), with the service's message */
export function fieldInvalid(where: Where, field: string | undefined, message: string): AppError {
  return requestInvalid(where, [{ code: "custom", path: field ? [where, field] : [where], message }], field ? { field } : {});
}

const decodes = (text: string) => {
  try {
    decodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
};

/**
 * a 400 request.invalid when the URL's path or query string is not well-formed percent-encoded UTF-8 (`%E0%A4%A`,
 * a lone `%`, `%FF`), which Koa and the router would otherwise decode leniently (U+FFFD for the bad bytes, a stray
 * `%` kept as it is) into a value nobody sent; undefined when both decode
 */
export function urlEncodingInvalid(path: string, querystring: string): AppError | undefined {
  const message = "is not valid percent-encoded UTF-8";
  if (!decodes(path)) return requestInvalid("params", [{ code: "invalid_encoding", path: ["params"], message: `the URL path ${message}` }]);
  const issues: Issue[] = [];
  for (const pair of querystring ? querystring.split("&") : []) {
    if (decodes(pair.replace(/\+/g, " "))) continue;
    const name = pair.split("=")[0]!.replace(/\+/g, " ");
    issues.push({ code: "invalid_encoding", path: decodes(name) ? ["query", decodeURIComponent(name)] : ["query"], message });
  }
  return issues.length ? requestInvalid("query", issues) : undefined;
}
