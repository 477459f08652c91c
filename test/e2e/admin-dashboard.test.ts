// The admin dashboard through the pages, on real Postgres: an admin signed in through the account pages sees the
// headline counts and, for a day of known audit events and sessions chosen by from/to dates, the expected rates,
// average session, an SVG chart that is well-formed (every tag closed, attributes quoted, title/desc, one bar per
// non-empty series part with the right proportions) and a table with the same per-hour numbers; a preset range
// works; bad ranges give the page with the message (400); users without a system role, or whose role lacks
// gatehouse.admin.audit.read, get 403.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { randomUUID } from "node:crypto";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser } from "../helpers/browser.ts";
import { openAccountPage } from "../helpers/sessions.ts";

const iso = (s: string) => new Date(s);
const DAY = "/admin/dashboard?from=2026-10-10&to=2026-10-10";

/** a small XML well-formedness check for the inline SVG: tags balance, attributes quoted, no raw < or & in text */
export function checkWellFormed(xml: string): { root: string; elements: { name: string; attrs: Record<string, string> }[] } {
  const stack: string[] = [];
  const elements: { name: string; attrs: Record<string, string> }[] = [];
  let root = "";
  const re = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)|(<)/g;
  for (const m of xml.matchAll(re)) {
    if (m[6]) throw new Error(`stray < at ${m.index}: ${xml.slice(m.index, m.index + 40)}`);
    if (m[5] !== undefined) {
      if (/&(?!(amp|lt|gt|quot|#39|#\d+|#x[\da-f]+);)/i.test(m[5])) throw new Error(`bare & in text: ${m[5]}`);
      if (!stack.length && m[5].trim()) throw new Error(`text outside the root: ${m[5]}`);
      continue;
    }
    const [, close, name = "", attrText = "", selfClose] = m;
    if (close) {
      if (stack.pop() !== name) throw new Error(`</${name}> closes the wrong element`);
      continue;
    }
    if (!stack.length && root) throw new Error("two root elements");
    root ||= name;
    const attrs = Object.fromEntries([...attrText.matchAll(/([\w:-]+)="([^"]*)"/g)].map((a) => [a[1]!, a[2]!]));
    elements.push({ name, attrs });
    if (!selfClose) stack.push(name);
  }
  if (stack.length) throw new Error(`unclosed: ${stack.join(", ")}`);
  return { root, elements };
}

describe("admin dashboard", () => {
  let t: TestApp;
  let admin: TestBrowser;

  const signedIn = async (user: { email: string; password: string }, path = DAY) => {
    const browser = new TestBrowser(t.url);
    const page = await openAccountPage(browser, t.url, path, { identifier: user.email, password: user.password });
    return { browser, page };
  };
  const text = (html: string) =>
    html
      .replace(/<[^>]+>/g, " ")
      .replace(/\s+/g, " ")
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, "&");
  const rateOf = (html: string, key: string) => new RegExp(`data-rate="${key}">([^<]*)<`).exec(html)?.[1];
  const countOf = (html: string, key: string) => Number(new RegExp(`data-count="${key}">(\\d+)<`).exec(html)?.[1]);

  beforeAll(async () => {
    t = await startTestApp();
    const user = await t.createUser();
    const ev = (type: string, when: string, data: Record<string, string> = {}) =>
      t.app.db.prisma.auditEvent.create({
        data: { type, outcome: type.includes("fail") ? "failure" : "success", userId: user.id, createdAt: iso(when), data },
      });
    await ev("login.succeeded", "2026-10-10T00:00:00Z", { device: "code" });
    await ev("login.succeeded", "2026-10-10T01:10:00Z", { device: "code" });
    await ev("login.succeeded", "2026-10-10T01:50:00Z", { device: "trusted" });
    await ev("login.failed", "2026-10-10T01:59:59Z");
    await ev("login.second_factor_failed", "2026-10-10T03:00:00Z");
    await ev("login.succeeded", "2026-10-10T03:30:00Z", { device: "off" });
    await ev("login.failed", "2026-10-10T23:59:59Z");
    await ev("login.succeeded", "2026-10-11T00:00:00Z", { device: "code" }); // next day: out
    for (const when of ["01:00", "01:40", "03:20", "05:00"])
      await ev("login.risk_evaluated", `2026-10-10T${when}:00Z`, { decision: "allow" });
    await ev("login.held", "2026-10-10T05:00:01Z");
    await ev("password_reset.requested", "2026-10-10T07:00:00Z");
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
    await session("2026-10-10T01:00:00Z", "2026-10-11T01:00:00Z", "2026-10-10T01:30:00Z"); // 30 min
    await session("2026-10-10T02:00:00Z", "2026-10-10T03:30:00Z", null); // expired: 90 min
    const me = await t.createUser();
    await t.app.services.systemRoles.setUserRole(me.id, "super_admin");
    admin = (await signedIn(me)).browser;
  });
  afterAll(async () => {
    await t?.close();
  });

  it("shows the counts, the rates and the average session for a day of known events", async () => {
    const page = await admin.go(`${t.url}${DAY}`);
    expect(page.status).toBe(200);
    expect(page.headers.get("cache-control")).toBe("no-store");
    expect(countOf(page.html, "users")).toBe(await t.app.db.prisma.user.count());
    expect(countOf(page.html, "teams")).toBe(await t.app.db.prisma.team.count());
    const live = await t.app.db.prisma.userSession.count({ where: { endedAt: null, expiresAt: { gt: new Date() } } });
    expect(countOf(page.html, "liveSessions")).toBe(live);
    expect(text(page.html)).toContain("From 2026-10-10 00:00 UTC to 2026-10-11 00:00 UTC");
    expect(rateOf(page.html, "success")).toBe("57.1%"); // 4 of 7
    expect(rateOf(page.html, "failure")).toBe("42.9%"); // 3 of 7
    expect(rateOf(page.html, "suspicious")).toBe("25.0%"); // 1 held of 4 evaluated
    expect(rateOf(page.html, "device")).toBe("50.0%"); // 2 of 4 sign-ins with an emailed code
    expect(rateOf(page.html, "session")).toBe("1 h"); // (30 + 90) / 2 min
    expect(rateOf(page.html, "reset")).toBe("14.3%"); // 1 per 7 attempts
    expect(text(page.html)).toContain("4 of 7 attempts");
  });

  it("draws a well-formed SVG chart whose bars match the table", async () => {
    const page = await admin.go(`${t.url}${DAY}`);
    const svg = /<svg class="admin-chart-svg"[\s\S]*?<\/svg>/.exec(page.html)?.[0];
    expect(svg).toBeDefined();
    const { root, elements } = checkWellFormed(svg!);
    expect(root).toBe("svg");
    const [top] = elements;
    expect(top!.attrs).toMatchObject({ role: "img", viewBox: "0 0 640 240", "aria-labelledby": "logins-chart-title logins-chart-desc" });
    expect(svg).toContain('<title id="logins-chart-title">Sign-ins per hour</title>');
    expect(svg).toMatch(
      /<desc id="logins-chart-desc">Sign-ins per hour from 2026-10-10 00:00 UTC to 2026-10-11 00:00 UTC: 4 succeeded and 3 failed in 24 hours/,
    );
    const bars = elements.filter((e) => e.name === "rect");
    expect(bars.map((b) => b.attrs["aria-label"])).toEqual([
      "2026-10-10T00:00:00.000Z: 1 succeeded",
      "2026-10-10T01:00:00.000Z: 2 succeeded",
      "2026-10-10T01:00:00.000Z: 1 failed",
      "2026-10-10T03:00:00.000Z: 1 succeeded",
      "2026-10-10T03:00:00.000Z: 1 failed",
      "2026-10-10T23:00:00.000Z: 1 failed",
    ]);
    // heights proportional to the counts: the 01:00 bucket's succeeded bar is twice its failed one
    const h = (i: number) => Number(bars[i]!.attrs.height);
    expect(h(1)).toBeCloseTo(2 * h(2), 1);
    expect(h(0)).toBeCloseTo(h(2), 1);
    // the table: 24 hour rows with the same numbers
    const table = /<table class="admin-table" data-series>[\s\S]*?<\/table>/.exec(page.html)![0];
    const rows = [...table.matchAll(/<tr><th scope="row">([^<]+)<\/th><td>(\d+)<\/td><td>(\d+)<\/td><\/tr>/g)].map((m) => [
      m[1],
      Number(m[2]),
      Number(m[3]),
    ]);
    expect(rows).toHaveLength(24);
    expect(rows.filter((r) => r[1] || r[2])).toEqual([
      ["2026-10-10 00:00 UTC", 1, 0],
      ["2026-10-10 01:00 UTC", 2, 1],
      ["2026-10-10 03:00 UTC", 1, 1],
      ["2026-10-10 23:00 UTC", 0, 1],
    ]);
  });

  it("a preset range: the last 7 days ending now, in day buckets", async () => {
    const page = await admin.go(`${t.url}/admin/dashboard?range=7d`);
    expect(page.status).toBe(200);
    expect(page.html).toContain('<option value="7d" selected>');
    expect(page.html).toContain("Sign-ins per day");
    const table = /<table class="admin-table" data-series>[\s\S]*?<\/table>/.exec(page.html)![0];
    expect([...table.matchAll(/<th scope="row">/g)].length).toBeGreaterThanOrEqual(7);
    // the admin's own sign-in of today is in it
    expect(rateOf(page.html, "success")).toBe("100.0%");
  });

  it("bad ranges: the page with the message, 400, no figures", async () => {
    for (const [query, message] of [
      ["range=1y", 'Unknown range "1y"'],
      ["from=2026-10-12&to=2026-10-10", "The from date must be before the to date."],
      ["from=2026-02-30&to=2026-03-01", "from is not a real date: 2026-02-30"],
      ["from=yesterday&to=2026-03-01", "from must be a date (YYYY-MM-DD)"],
      ["from=2026-10-10", "Give both a from and a to date"],
      ["from=2020-01-01&to=2026-01-01", "the range may be at most 400 days"],
    ] as const) {
      const page = await admin.go(`${t.url}/admin/dashboard?${query}`);
      expect(page.status, query).toBe(400);
      expect(text(page.html), query).toContain(message);
      expect(page.html).not.toContain("admin-chart-svg");
      expect(page.html).toContain('aria-invalid="true"');
    }
  });

  it("forbidden: no system role, or a role without audit.read -> 403; not signed in -> the login page", async () => {
    const plain = await t.createUser();
    const { page } = await signedIn(plain);
    expect(page.status).toBe(403);
    expect(page.html).not.toContain("admin-chart-svg");
    const role = await t.app.services.systemRoles.create({
      key: `usr${Date.now().toString(36)}`,
      name: "User reader",
      permissions: ["gatehouse.admin.users.read"],
    });
    if (role.outcome !== "created") throw new Error(role.outcome);
    const reader = await t.createUser();
    await t.app.services.systemRoles.setUserRole(reader.id, role.role.key);
    const second = await signedIn(reader);
    expect(second.page.status).toBe(403);
    expect((await second.browser.go(`${t.url}/admin/dashboard?range=24h`)).status).toBe(403);
    const anonymous = await new TestBrowser(t.url).request(`${t.url}/admin/dashboard`);
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get("location")).toMatch(/^\/login/);
  });
});
