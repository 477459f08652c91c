// #18 item 10: the dashboard's bars are calendar days (and clock hours) in DASHBOARD_TIME_ZONE, labelled by the day
// they count, today's last. With an injected clock at 00:30 in Berlin (23:30 UTC the day before), a sign-in ten
// minutes earlier is today's, one twenty minutes before midnight yesterday's; a rolling 24-hour window labelled by
// its start (the old way) put both under one date. Also the time-zone arithmetic on its own (DST days).
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser } from "../helpers/browser.ts";
import { openAccountPage } from "../helpers/sessions.ts";
import { manualClock } from "../helpers/totp-login.ts";
import { localMidnight, localText, startOfLocal, isTimeZone } from "../../src/lib/time-zone.ts";
import { localEdges } from "../../src/services/analytics.ts";
import { dashboardRange } from "../../src/http/routes/admin/dashboard-range.ts";

const NOW = Date.parse("2026-12-06T23:30:00Z") / 1000; // 2026-12-07 00:30 in Berlin

describe("time-zone arithmetic", () => {
  it("local days and hours, DST included", () => {
    expect(isTimeZone("Europe/Berlin")).toBe(true);
    expect(isTimeZone("Mars/Olympus")).toBe(false);
    const at = new Date("2026-03-29T12:34:56Z"); // Berlin switches to summer time at 01:00 UTC that day
    expect(startOfLocal("Europe/Berlin", at, "day").toISOString()).toBe("2026-03-28T23:00:00.000Z");
    expect(startOfLocal("Europe/Berlin", at, "day", 1).toISOString()).toBe("2026-03-27T23:00:00.000Z");
    expect(startOfLocal("UTC", at, "day", 6).toISOString()).toBe("2026-03-23T00:00:00.000Z");
    expect(startOfLocal("Asia/Kolkata", at, "hour").toISOString()).toBe("2026-03-29T12:30:00.000Z");
    expect(localMidnight("America/New_York", "2026-11-01").toISOString()).toBe("2026-11-01T04:00:00.000Z");
    expect(localText("Europe/Berlin", new Date(NOW * 1000))).toBe("2026-12-07 00:30");
    // a week over the switch: seven calendar days, one of them 23 hours long
    const edges = localEdges(new Date("2026-03-25T23:00:00Z"), new Date("2026-04-01T22:00:00Z"), "day", "Europe/Berlin");
    expect(edges.map((e) => localText("Europe/Berlin", e))).toEqual([
      "2026-03-26 00:00",
      "2026-03-27 00:00",
      "2026-03-28 00:00",
      "2026-03-29 00:00",
      "2026-03-30 00:00",
      "2026-03-31 00:00",
      "2026-04-01 00:00",
      "2026-04-02 00:00",
    ]);
    expect((edges[4]!.getTime() - edges[3]!.getTime()) / 3_600_000).toBe(23);
  });

  it("the presets end now and start at a local midnight (or clock hour), so the bars are whole days", () => {
    const now = new Date(NOW * 1000);
    const week = dashboardRange({ range: "7d" }, now, "Europe/Berlin");
    expect(localText("Europe/Berlin", week.from)).toBe("2026-12-01 00:00");
    expect(week.to).toEqual(now);
    expect(localText("UTC", dashboardRange({ range: "7d" }, now).from)).toBe("2026-11-30 00:00");
    expect(localText("Europe/Berlin", dashboardRange({ range: "24h" }, now, "Europe/Berlin").from)).toBe("2026-12-06 01:00");
    // from/to dates are whole days in the zone
    const days = dashboardRange({ from: "2026-12-01", to: "2026-12-02" }, now, "Europe/Berlin");
    expect([days.from.toISOString(), days.to.toISOString()]).toEqual(["2026-11-30T23:00:00.000Z", "2026-12-02T23:00:00.000Z"]);
  });
});

describe("dashboard day bars on calendar days", () => {
  let t: TestApp;
  let admin: TestBrowser;

  beforeAll(async () => {
    t = await startTestApp({ DASHBOARD_TIME_ZONE: "Europe/Berlin" }, { clock: manualClock(NOW) });
    const someone = await t.createUser();
    const ev = (type: string, when: string) =>
      t.app.db.prisma.auditEvent.create({ data: { type, outcome: "success", userId: someone.id, createdAt: new Date(when), data: {} } });
    await ev("login.succeeded", "2026-12-06T23:20:00Z"); // 00:20 on the 7th in Berlin: today
    await ev("login.succeeded", "2026-12-06T22:40:00Z"); // 23:40 on the 6th in Berlin: yesterday
    await ev("login.succeeded", "2026-12-06T22:50:00Z"); // yesterday too
    await ev("login.failed", "2026-11-30T23:30:00Z"); // 00:30 on 1 December in Berlin: the week's first day
    await ev("login.failed", "2026-11-30T22:30:00Z"); // 23:30 on 30 November in Berlin: before the week
    const me = await t.createUser();
    await t.app.services.systemRoles.setUserRole(me.id, "super_admin");
    admin = new TestBrowser(t.url);
    await openAccountPage(admin, t.url, "/admin/dashboard", { identifier: me.email, password: me.password });
    // the admin's own sign-in is stamped by the database's clock: moved out of the way, the counts are the seeded ones
    await t.app.db.prisma.auditEvent.updateMany({ where: { userId: me.id }, data: { createdAt: new Date("2026-10-01T00:00:00Z") } });
  });
  afterAll(async () => {
    await t?.close();
  });

  const rowsOf = (html: string) => {
    const table = /<table class="admin-table" data-series>[\s\S]*?<\/table>/.exec(html)![0];
    return [...table.matchAll(/<tr><th scope="row">([^<]+)<\/th><td>(\d+)<\/td><td>(\d+)<\/td><\/tr>/g)].map(
      (m) => [m[1], Number(m[2]), Number(m[3])] as const,
    );
  };

  it("last 7 days: seven calendar days in Berlin, today last, each sign-in under the day it happened", async () => {
    const page = await admin.go(`${t.url}/admin/dashboard?range=7d`);
    expect(page.status).toBe(200);
    expect(page.html).toContain("Day (Europe/Berlin)");
    expect(page.html).toMatch(/From 2026-12-01 00:00 Europe\/Berlin to 2026-12-07 00:30 Europe\/Berlin/);
    const rows = rowsOf(page.html);
    expect(rows.map((r) => r[0])).toEqual([
      "2026-12-01",
      "2026-12-02",
      "2026-12-03",
      "2026-12-04",
      "2026-12-05",
      "2026-12-06",
      "2026-12-07",
    ]);
    expect(rows[0]).toEqual(["2026-12-01", 0, 1]);
    expect(rows[5]).toEqual(["2026-12-06", 2, 0]);
    expect(rows[6]).toEqual(["2026-12-07", 1, 0]); // today: the sign-in at 00:20
    // the chart's day labels are the same dates
    expect(page.html).toMatch(/<text[^>]*>12-07<\/text>/);
  });

  it("last 24 hours: clock hours in Berlin, the current one last", async () => {
    const page = await admin.go(`${t.url}/admin/dashboard?range=24h`);
    const rows = rowsOf(page.html);
    expect(rows).toHaveLength(24);
    expect(rows[0]![0]).toBe("2026-12-06 01:00 Europe/Berlin");
    expect(rows[23]![0]).toBe("2026-12-07 00:00 Europe/Berlin");
    expect(rows[22]).toEqual(["2026-12-06 23:00 Europe/Berlin", 2, 0]);
    expect(rows[23]).toEqual(["2026-12-07 00:00 Europe/Berlin", 1, 0]);
  });

  it("the API's analytics keep their buckets from `from` (no zone given)", async () => {
    const a = await t.app.services.analytics.logins({ from: "2026-12-01T12:00:00.000Z", to: "2026-12-07T12:00:00.000Z" });
    expect(a.series[0]!.start).toBe("2026-12-01T12:00:00.000Z");
    expect(a.series[0]!.local).toBeUndefined();
    const zoned = await t.app.services.analytics.logins({ from: "2026-12-01T12:00:00.000Z", to: "2026-12-07T12:00:00.000Z" }, "UTC");
    expect(zoned.series.map((b) => b.start.slice(0, 13))).toEqual([
      "2026-12-01T12",
      "2026-12-02T00",
      "2026-12-03T00",
      "2026-12-04T00",
      "2026-12-05T00",
      "2026-12-06T00",
      "2026-12-07T00",
    ]);
    expect(zoned.logins).toEqual(a.logins);
  });
});
