// Which errors mean "Postgres or Redis is not there" (503, try again) and which are bugs or bad data (never 503).
import { describe, it, expect } from "vitest";
import { isDependencyUnavailable } from "../../src/db/unavailable.ts";

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe("isDependencyUnavailable", () => {
  it("knows unreachable, timed-out and shutting-down dependencies, also behind a cause or Prisma's adapter error", () => {
    for (const err of [
      withCode("connect ECONNREFUSED 127.0.0.1:6379", "ECONNREFUSED"),
      new Error("Command timed out"),
      new Error("Connection is closed."),
      Object.assign(new Error("Reached the max retries per request limit (which is 1)."), { name: "MaxRetriesPerRequestError" }),
      new Error("Connection terminated unexpectedly"),
      new Error("timeout exceeded when trying to connect"),
      new Error("Query read timeout"),
      withCode("the database system is shutting down", "57P03"),
      withCode("terminating connection due to administrator command", "57P01"),
      withCode("sorry, too many clients already", "53300"),
      withCode("Can't reach database server", "P1001"),
      new Error("wrapped", { cause: withCode("read ECONNRESET", "ECONNRESET") }),
      Object.assign(new Error("Prisma"), {
        code: "P2010",
        meta: { driverAdapterError: new Error("x", { cause: withCode("connect ECONNREFUSED", "ECONNREFUSED") }) },
      }),
    ])
      expect(isDependencyUnavailable(err), String((err as Error).message)).toBe(true);
  });

  it("never takes a bug or bad data for an outage", () => {
    for (const err of [
      new TypeError("Cannot read properties of undefined"),
      withCode("Unique constraint failed", "P2002"),
      withCode("duplicate key value violates unique constraint", "23505"),
      withCode("invalid input syntax for type uuid", "22P02"),
      new Error("ERR wrong number of arguments for 'set' command"),
      "a string",
      null,
      undefined,
      42,
    ])
      expect(isDependencyUnavailable(err), String(err)).toBe(false);
  });

  it("a cause that points back at itself ends the search", () => {
    const loop = new Error("loop") as Error & { cause?: unknown };
    loop.cause = loop;
    expect(isDependencyUnavailable(loop)).toBe(false);
  });
});
