// The outbox against a real Gatehouse, SMTP sink and back-channel receiver: an email SMTP keeps refusing is retried
// with growing pauses, then kept as a dead letter that GET /api/v1/outbox lists (never its content) and POST
// /api/v1/outbox/{id}/retry sends, once, with its Message-ID; DELETE discards one; unknown ids 404, malformed
// ones 400, a row still waiting 409; only gatehouse.admin.outbox.manage may call. Back-channel logouts go the same
// way (retried until the relying party answers; dead letters retried from the API). /metrics has the gauges.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { refusals, setUpAdminApi, type AdminApi, type Json } from "../helpers/api.ts";
import { startSmtpSink, type SmtpSink } from "../helpers/smtp-sink.ts";
import { TestBrowser } from "../helpers/browser.ts";
import { discover, loginWithCode } from "../helpers/oidc-flow.ts";
import { parseMetrics } from "../helpers/metrics.ts";

const FIELDS = ["attempts", "createdAt", "deadAt", "id", "kind", "lastError", "nextAttemptAt", "recipient", "status", "topic"];
const REDIRECT = "https://rp.example.test/cb";
type Entry = Json & {
  id: string;
  status: string;
  attempts: number;
  recipient: string;
  kind: string;
  topic: string;
  lastError: string | null;
};

async function until<T>(check: () => Promise<T | undefined | null | false>, ms = 10_000): Promise<T> {
  for (const end = Date.now() + ms; ;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("outbox: retries, dead letters and the admin API", () => {
  let t: TestApp;
  let a: AdminApi;
  let sink: SmtpSink;
  let receiver: http.Server;
  const logouts: { at: number; status: number }[] = [];
  let answer = 503; // what the relying party's back-channel endpoint says

  beforeAll(async () => {
    sink = await startSmtpSink();
    receiver = http.createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        logouts.push({ at: Date.now(), status: answer });
        res.statusCode = answer;
        res.end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    t = await startTestApp({
      SMTP_URL: sink.url,
      OUTBOX_MAX_ATTEMPTS: "3",
      OUTBOX_RETRY_BASE_MS: "200",
      OUTBOX_POLL_MS: "50",
      OUTBOUND_ALLOW_PRIVATE: "true",
    });
    a = await setUpAdminApi(t);
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
    await new Promise((r) => receiver?.close(r));
  });

  const list = async (query = "status=dead") => {
    const res = await a.call("GET", `/api/v1/outbox?${query}`, a.admin.token);
    expect(res.status).toBe(200);
    return res.body.messages as Entry[];
  };
  const deadTo = (recipient: string) => until(async () => (await list()).find((m) => m.recipient === recipient));
  const audited = async (type: string, outboxId: string) =>
    (await t.app.queries.auditEvents.listByType(type, 100)).filter((e) => (e.data as { outboxId?: string }).outboxId === outboxId);

  it("retries a refused email with growing pauses, keeps it as a dead letter, and sends it once when an admin retries", async () => {
    sink.refuse(true);
    const user = await t.createUser();
    await t.app.services.passwordReset.request(user.email, { ip: "203.0.113.7", userAgent: null });
    const dead = await deadTo(user.email);
    expect(Object.keys(dead).sort()).toEqual(FIELDS);
    expect(dead).toMatchObject({
      kind: "email",
      topic: "password-reset",
      status: "dead",
      attempts: 3,
      lastError: expect.stringMatching(/451/),
      deadAt: expect.any(String),
    });
    expect(JSON.stringify(dead)).not.toMatch(/token=|203\.0\.113\.7/); // never the content

    const tries = sink.refused.filter((m) => m.to.includes(user.email));
    expect(tries).toHaveLength(3);
    const [first, second] = [tries[1]!.at - tries[0]!.at, tries[2]!.at - tries[1]!.at];
    expect(first).toBeGreaterThanOrEqual(180); // 200 ms, then 400 ms (backoff doubles)
    expect(second).toBeGreaterThanOrEqual(380);
    expect(new Set(tries.map((m) => m.headers["message-id"])).size).toBe(1);

    sink.refuse(false);
    const retried = await a.call("POST", `/api/v1/outbox/${dead.id}/retry`, a.admin.token);
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ id: dead.id, status: "pending", attempts: 0, deadAt: null });
    const mail = await sink.waitFor((m) => m.to.includes(user.email));
    expect(mail.headers["message-id"]).toBe(tries[0]!.headers["message-id"]);
    expect(mail.text).toMatch(/reset-password\?token=/);
    await until(async () => !(await t.app.queries.outbox.find(dead.id)));
    await new Promise((r) => setTimeout(r, 300));
    expect(sink.messages.filter((m) => m.to.includes(user.email))).toHaveLength(1);
    expect((await list()).map((m) => m.id)).not.toContain(dead.id);
    // the admin, the surface and the client their token was issued to
    expect((await audited("outbox.retried", dead.id)).map((e) => [e.actorId, e.data])).toEqual([
      [a.admin.id, { outboxId: dead.id, kind: dead.kind, topic: dead.topic, via: "api", apiClientId: a.clientId }],
    ]);
    expect((await a.call("POST", `/api/v1/outbox/${dead.id}/retry`, a.admin.token)).body.code).toBe("outbox.not_found"); // sent: gone
  });

  it("discards a dead letter; refuses unknown (404), malformed (400) and still waiting (409) ones; pages by cursor", async () => {
    const row = (to: string) => t.app.outbox.message("email", to, "lockout", { subject: "s", text: "t", html: "h" });
    // d1 a second older than d2 (made in the same millisecond, their order would be the random ids')
    const [d1, d2] = [row("d1@example.test"), row("d2@example.test")];
    d1.createdAt = new Date(d2.createdAt.getTime() - 1000);
    for (const d of [d1, d2])
      await t.app.db.prisma.outboxMessage.create({
        data: { ...d, nextAttemptAt: d.createdAt, status: "dead", attempts: 3, deadAt: new Date(), lastError: "451" },
      });
    const waiting = { ...row("w@example.test"), nextAttemptAt: new Date(Date.now() + 3_600_000) };
    await t.app.queries.outbox.insert([waiting]);

    const page = await a.call("GET", "/api/v1/outbox?status=dead&limit=1", a.admin.token);
    expect((page.body.messages as Entry[]).map((m) => m.id)).toEqual([d2.id]);
    const next = await a.call("GET", `/api/v1/outbox?status=dead&limit=1&cursor=${page.body.nextCursor}`, a.admin.token);
    expect((next.body.messages as Entry[]).map((m) => m.id)).toEqual([d1.id]);
    expect((await list("status=pending")).map((m) => m.id)).toContain(waiting.id);
    expect((await a.call("GET", "/api/v1/outbox?status=nonsense", a.admin.token)).status).toBe(400);
    expect((await a.call("GET", "/api/v1/outbox?cursor=bm9wZQ", a.admin.token)).status).toBe(400);

    expect((await a.call("DELETE", `/api/v1/outbox/${d1.id}`, a.admin.token)).status).toBe(204);
    expect(await t.app.queries.outbox.find(d1.id)).toBeNull();
    expect((await audited("outbox.discarded", d1.id)).map((e) => e.actorId)).toEqual([a.admin.id]);
    for (const [method, path] of [
      ["POST", `/api/v1/outbox/${d1.id}/retry`],
      ["DELETE", `/api/v1/outbox/${d1.id}`],
    ] as const) {
      const res = await a.call(method, path, a.admin.token);
      expect([res.status, res.body.code]).toEqual([404, "outbox.not_found"]);
    }
    for (const [method, path] of [
      ["POST", `/api/v1/outbox/${waiting.id}/retry`],
      ["DELETE", `/api/v1/outbox/${waiting.id}`],
    ] as const) {
      const res = await a.call(method, path, a.admin.token);
      expect([res.status, res.body.code]).toEqual([409, "outbox.not_dead"]);
    }
    const malformed = await a.call("POST", "/api/v1/outbox/not-a-uuid/retry", a.admin.token);
    expect([malformed.status, malformed.body.code]).toEqual([400, "request.invalid"]);

    const lacking = (await a.roleToken(["gatehouse.admin.audit.read"])).token;
    expect(
      await refusals(
        a,
        lacking,
        [
          ["GET", "/api/v1/outbox"],
          ["POST", `/api/v1/outbox/${d2.id}/retry`],
          ["DELETE", `/api/v1/outbox/${d2.id}`],
        ],
        "gatehouse.admin.outbox.manage",
      ),
    ).toEqual([]);
    expect(await t.app.queries.outbox.find(d2.id)).toMatchObject({ status: "dead" }); // the refused calls changed nothing
    await t.app.db.prisma.outboxMessage.deleteMany({ where: { id: { in: [d2.id, waiting.id] } } });
  });

  it("retries a back-channel logout until the relying party takes it; a dead one is retried from the API", async () => {
    const port = (receiver.address() as AddressInfo).port;
    const { clientId, clientSecret } = await t.createClient({
      name: "BCL RP",
      type: "confidential",
      redirectUris: [REDIRECT],
      firstParty: true,
      backchannelLogoutUri: `http://127.0.0.1:${port}/bcl`,
    });
    const rp = await discover(t.url, clientId, clientSecret);
    const signOut = async () => {
      const user = await t.createUser();
      await loginWithCode(rp, new TestBrowser(t.url), REDIRECT, { identifier: user.email, password: user.password });
      expect((await a.call("DELETE", `/api/v1/users/${user.id}/sessions`, a.admin.token)).status).toBe(200);
    };

    answer = 503; // down for the first attempt
    const before = logouts.length;
    const metricsBefore = parseMetrics(await (await fetch(`${t.url}/metrics`)).text());
    await signOut();
    await until(async () => logouts.length > before);
    answer = 200;
    await until(async () => logouts.slice(before).some((l) => l.status === 200));
    const attempts = logouts.slice(before);
    expect(attempts.filter((l) => l.status === 200)).toHaveLength(1);
    expect(attempts[0]!.status).toBe(503);
    await until(async () => (await t.app.db.prisma.outboxMessage.count({ where: { kind: "backchannel_logout" } })) === 0);
    // /metrics counted the logout queued once, its failed attempt and its delivery
    const metricsAfter = parseMetrics(await (await fetch(`${t.url}/metrics`)).text());
    const moved = (series: string) => (metricsAfter.get(series) ?? 0) - (metricsBefore.get(series) ?? 0);
    expect(moved('gatehouse_outbox_queued_total{kind="backchannel_logout"}')).toBe(1);
    expect(moved('gatehouse_outbox_deliveries_total{kind="backchannel_logout",result="failed"}')).toBe(1);
    expect(moved('gatehouse_outbox_deliveries_total{kind="backchannel_logout",result="delivered"}')).toBe(1);

    answer = 500;
    await signOut();
    const dead = await until(async () => (await list("status=dead&kind=backchannel_logout")).find((m) => m.recipient === clientId));
    expect(dead).toMatchObject({ topic: "logout", attempts: 3, lastError: expect.any(String) });
    answer = 200;
    const delivered = logouts.length;
    expect((await a.call("POST", `/api/v1/outbox/${dead.id}/retry`, a.admin.token)).status).toBe(200);
    await until(async () => logouts.slice(delivered).some((l) => l.status === 200));
    await until(async () => !(await t.app.queries.outbox.find(dead.id)));
  });

  it("reports the outbox's depth in /metrics: waiting and dead rows per kind, and the oldest waiting one's age", async () => {
    await t.app.db.prisma.outboxMessage.deleteMany({});
    const row = (kind: "email" | "backchannel_logout") => t.app.outbox.message(kind, "m@example.test", "lockout", {});
    const hourAgo = new Date(Date.now() - 3_600_000);
    const future = new Date(Date.now() + 3_600_000);
    await t.app.queries.outbox.insert([
      { ...row("email"), createdAt: hourAgo, nextAttemptAt: future },
      { ...row("email"), nextAttemptAt: future },
    ]);
    for (const kind of ["email", "email", "backchannel_logout"] as const) {
      await t.app.db.prisma.outboxMessage.create({
        data: { ...row(kind), nextAttemptAt: new Date(), status: "dead", deadAt: new Date(), attempts: 3 },
      });
    }
    await new Promise((r) => setTimeout(r, 1100)); // past the gauges' one-second cache
    const text = await (await fetch(`${t.url}/metrics`)).text();
    const value = (name: string, kind: string) => Number(new RegExp(`^${name}\\{kind="${kind}"\\} (\\S+)$`, "m").exec(text)?.[1]);
    expect(value("gatehouse_outbox_pending", "email")).toBe(2);
    expect(value("gatehouse_outbox_pending", "backchannel_logout")).toBe(0);
    expect(value("gatehouse_outbox_dead", "email")).toBe(2);
    expect(value("gatehouse_outbox_dead", "backchannel_logout")).toBe(1);
    expect(value("gatehouse_outbox_oldest_pending_seconds", "email")).toBeGreaterThanOrEqual(3590);
    expect(value("gatehouse_outbox_oldest_pending_seconds", "backchannel_logout")).toBe(0);
    expect(text).toMatch(/^# TYPE gatehouse_outbox_dead gauge$/m);
  });
});
