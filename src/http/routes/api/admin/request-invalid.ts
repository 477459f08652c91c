// A 400 request.invalid for input the route's own schema let through but a service refused (a ZodError from the
// service's schema, or a rule the service checks itself), in the same shape the registry gives its own 400s:
// data.issues (code, path starting with "params", "query" or "body", message) and data.problems for people.
import type { ZodError } from "zod";
import { AppError } from "../../../errors.ts";

export type Where = "params" | "query" | "body";
export type Issue = { code: string; path: (string | number)[]; message: string };

export function requestInvalid(where: Where, issues: Issue[]): AppError {
  const problems = issues.map((i) => `${i.path.slice(1).join(".") || where}: ${i.message}`);
  return new AppError("request.invalid", 400, `The request's ${where} is not valid: ${problems.join("; ")}.`, { issues, problems });
}

/** the issues of a service's ZodError, their paths under `where` */
export function zodInvalid(where: Where, error: ZodError): AppError {
  return requestInvalid(where, error.issues.map((i) => ({
    code: i.code, path: [where, ...i.path.map((p) => (typeof p === "symbol" ? String(p) : p))], message: i.message,
  })));
}
