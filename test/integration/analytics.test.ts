// Login analytics on real Postgres: a small known dataset gives exactly the expected counts, rates, average
// session duration and buckets (hour and day, empty buckets filled, range edges [from, to)), no logins gives
// null rates, and bad ranges are refused.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { randomUUID } from "node:crypto";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { createAnalytics, bucketFor, AnalyticsQueryError, type Analytics } from "../../src/services/analytics.ts";

const iso = (s: string) => new Date(s);
const NOW = iso("2026-10-20T00:00:00Z");
const DAY = { from: "2026-10-10T00:00:00Z", to: "2026-10-11T00:00:00Z" };

describe("login analytics", () => {
  let t: TestApp;
  let analytics: Analytics;

  beforeAll(async () => {
    t = await startTestApp();
    analytics = createAnalytics({
      queries: t.app.queries.loginAnalytics,
      counts: t.app.queries.adminCounts,
      clock: { now: () => NOW, epoch: () => Math.floor(NOW.getTime() / 1000) },
    });
    const user = await t.createUser();
    const ev = (type: string, when: string, data: Record<string, string> = {}, userId: string | null = user.id) =>
      t.app.db.prisma.auditEvent.create({
        data: { type, outcome: type.includes("fail") ? "failure" : "success", userId, createdAt: iso(when), data },
      });
    await ev("login.succeeded", "2026-10-10T00:00:00.000Z", { device: "code" }); // at `from`: in, bucket 0
    await ev("login.succeeded", "2026-10-10T01:10:00Z", { device: "code" });
    await ev("login.succeeded", "2026-10-10T01:50:00Z", { device: "trusted" });
    await ev("login.failed", "2026-10-10T01:59:59.999Z");
    await ev("login.second_factor_failed", "2026-10-10T03:00:00.000Z");
    await ev("login.succeeded", "2026-10-10T03:30:00Z", { device: "off", teamId: randomUUID() });
    await ev("login.failed", "2026-10-10T23:59:59.999Z", {}, null); // last bucket
    await ev("login.succeeded", "2026-10-11T00:00:00.000Z", { device: "code" }); // at `to`: out
    await ev("login.failed", "2026-10-09T23:59:59.999Z"); // before `from`: out
    for (const when of ["01:00", "01:40", "03:20", "05:00"])
      await ev("login.risk_evaluated", `2026-10-10T${when}:00Z`, { decision: "allow" });
    await ev("login.held", "2026-10-10T05:00:01Z");
    for (const when of ["01:05", "01:06", "06:00"]) await ev("device.code_sent", `2026-10-10T${when}:00Z`);
    await ev("password_reset.requested", "2026-10-10T07:00:00Z");
    await ev("password_reset.requested", "2026-10-10T08:00:00Z", {}, null);
    await ev("login.locked", "2026-10-10T09:00:00Z"); // not counted anywhere
    await ev("team.created", "2026-10-10T09:00:00Z");

    const session = (start: string, expires: string, ended: string | null) =>
      t.app.db.prisma.userSession.create({
        data: {
          id: randomUUID(),
          userId: user.id,
          startedAt: iso(start),
          lastActiveAt: iso(start),
          expiresAt: iso(expires),
          endedAt: ended ? iso(ended) : null,
        },
      });
    await session("2026-10-10T01:00:00Z", "2026-10-11T01:00:00Z", "2026-10-10T01:30:00Z"); // 1800 s
    await session("2026-10-10T02:00:00Z", "2026-10-10T04:00:00Z", null); // expired, no end: 7200 s
    await session("2026-10-10T05:00:00Z", "2026-10-10T06:00:00Z", "2026-10-10T12:00:00Z"); // end seen late: capped at expiry, 3600 s
    await session("2026-10-10T06:00:00Z", "2026-10-30T06:00:00Z", null); // still alive at NOW: left out
    await session("2026-10-09T23:00:00Z", "2026-10-10T23:00:00Z", "2026-10-10T00:30:00Z"); // started before `from`: out
    await session("2026-10-11T00:00:00Z", "2026-10-11T01:00:00Z", "2026-10-11T00:10:00Z"); // started at `to`: out
  });
  afterAll(async () => {
    await t?.close();
  });

  it("counts and rates for a day of known events", async () => {
    const a = await analytics.logins(DAY);
    expect(a.from).toBe("2026-10-10T00:00:00.000Z");
    expect(a.to).toBe("2026-10-11T00:00:00.000Z");
    expect(a.logins).toEqual({ attempts: 7, succeeded: 4, failed: 3, successRate: 4 / 7, failureRate: 3 / 7 });
    expect(a.suspicious).toEqual({ evaluated: 4, held: 1, rate: 0.25 });
    expect(a.deviceApproval).toEqual({ succeeded: 4, withEmailedCode: 2, codesSent: 3, rate: 0.5 });
    expect(a.passwordResets).toEqual({ requested: 2, rate: 2 / 7 });
  });

  it("average session duration: ended sessions, expired ones at their expiry, live ones left out", async () => {
    expect((await analytics.logins(DAY)).sessions).toEqual({ measured: 3, averageSeconds: 4200 });
  });

  it("hour buckets for a day: all 24, empty ones zero, edges in the right bucket", async () => {
    const a = await analytics.logins(DAY);
    expect(a.bucket).toBe("hour");
    expect(a.series).toHaveLength(24);
    expect(a.series.map((b) => b.start)).toEqual(
      Array.from({ length: 24 }, (_, h) => `2026-10-10T${String(h).padStart(2, "0")}:00:00.000Z`),
    );
    const nonEmpty = a.series.filter((b) => b.succeeded || b.failed).map((b) => [b.start.slice(11, 13), b.succeeded, b.failed]);
    expect(nonEmpty).toEqual([
      ["00", 1, 0],
      ["01", 2, 1],
      ["03", 1, 1],
      ["23", 0, 1],
    ]);
    expect(a.series.reduce((n, b) => n + b.succeeded, 0)).toBe(a.logins.succeeded);
    expect(a.series.reduce((n, b) => n + b.failed, 0)).toBe(a.logins.failed);
  });

  it("day buckets for two weeks, the neighbours of the day included", async () => {
    const a = await analytics.logins({ from: "2026-10-01T00:00:00Z", to: "2026-10-15T00:00:00Z" });
    expect(a.bucket).toBe("day");
    expect(a.series).toHaveLength(14);
    const nonEmpty = a.series.filter((b) => b.succeeded || b.failed).map((b) => [b.start.slice(0, 10), b.succeeded, b.failed]);
    expect(nonEmpty).toEqual([
      ["2026-10-09", 0, 1],
      ["2026-10-10", 4, 3],
      ["2026-10-11", 1, 0],
    ]);
    expect(a.logins).toMatchObject({ attempts: 9, succeeded: 5, failed: 4 });
  });

  it("buckets start at `from` and the last one is cut by `to`", async () => {
    const a = await analytics.logins({ from: "2026-10-10T01:30:00Z", to: "2026-10-10T03:15:00Z" });
    expect(a.series).toEqual([
      { start: "2026-10-10T01:30:00.000Z", succeeded: 1, failed: 1 },
      { start: "2026-10-10T02:30:00.000Z", succeeded: 0, failed: 1 },
    ]);
  });

  it("a range with no events: zero counts, null rates and average, every bucket zero", async () => {
    const a = await analytics.logins({ from: "2026-09-01T00:00:00Z", to: "2026-09-01T06:00:00Z" });
    expect(a.logins).toEqual({ attempts: 0, succeeded: 0, failed: 0, successRate: null, failureRate: null });
    expect(a.suspicious).toEqual({ evaluated: 0, held: 0, rate: null });
    expect(a.deviceApproval).toEqual({ succeeded: 0, withEmailedCode: 0, codesSent: 0, rate: null });
    expect(a.passwordResets).toEqual({ requested: 0, rate: null });
    expect(a.sessions).toEqual({ measured: 0, averageSeconds: null });
    expect(a.series).toEqual(Array.from({ length: 6 }, (_, h) => ({ start: `2026-09-01T0${h}:00:00.000Z`, succeeded: 0, failed: 0 })));
  });

  it("hour buckets up to 48 hours, day buckets beyond", () => {
    const from = iso("2026-10-01T00:00:00Z");
    expect(bucketFor(from, iso("2026-10-03T00:00:00Z"))).toBe("hour");
    expect(bucketFor(from, iso("2026-10-03T00:00:00.001Z"))).toBe("day");
  });

  it.each([
    [{ from: "2026-10-11T00:00:00Z", to: "2026-10-10T00:00:00Z" }, "before"],
    [{ from: "2026-10-10T00:00:00Z", to: "2026-10-10T00:00:00Z" }, "before"],
    [{ from: "yesterday", to: "2026-10-10T00:00:00Z" }, "from"],
    [{ from: "2026-10-10T00:00:00Z" }, "to"],
    [{ from: "2024-01-01T00:00:00Z", to: "2026-01-01T00:00:00Z" }, "400 days"],
    [{ ...DAY, bucket: "minute" }, "bucket"],
  ])("refuses the range %j", async (input, message) => {
    const err = await analytics.logins(input as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AnalyticsQueryError);
    expect((err as AnalyticsQueryError).code).toBe("analytics.invalid_range");
    expect((err as Error).message).toContain(message);
  });
});
