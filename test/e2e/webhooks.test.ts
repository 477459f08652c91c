// Webhooks against a real Gatehouse and a real loopback receiver: an admin registers an endpoint through the API
// (secret shown once), an audited action becomes a signed POST whose signature verifies with the Standard Webhooks
// algorithm (node:crypto, and the reference `standardwebhooks` package); other event types are not sent; a
// receiver that fails is retried with the same webhook-id until it answers; one that never does leaves a dead
// letter (GET /api/v1/outbox?kind=webhook) an admin retries; redirects are not followed; slow answers time out;
// repeated failures disable the endpoint; a process stopped and started again (no kill) sends what was staged.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import http from "node:http";
import { createHmac } from "node:crypto";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { refusals, setUpAdminApi, type AdminApi } from "../helpers/api.ts";
import { createContext } from "../../src/context.ts";
import { parseMetrics } from "../helpers/metrics.ts";

type Received = { path: string; headers: http.IncomingHttpHeaders; body: string; at: number };
type Body = { type: string; timestamp: string; data: { clientId: string | null; auditType: string; details: Record<string, unknown> } };

async function until<T>(check: () => Promise<T | undefined | null | false> | T | undefined | null | false, ms = 15_000): Promise<T> {
  for (const end = Date.now() + ms; ;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** the spec's check, by hand: HMAC-SHA256 over id.timestamp.body with the base64 key after "whsec_" */
function specSignature(secret: string, h: http.IncomingHttpHeaders, body: string): string {
  const key = Buffer.from(secret.slice("whsec_".length), "base64");
  return `v1,${createHmac("sha256", key).update(`${h["webhook-id"]}.${h["webhook-timestamp"]}.${body}`).digest("base64")}`;
}

describe("webhooks", () => {
  let t: TestApp;
  let a: AdminApi;
  let receiver: http.Server;
  let base: string;
  const received: Received[] = [];
  /** what each path answers: a status, a list of statuses in turn, or "hang" */
  const answers = new Map<string, number | number[] | "hang">();

  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => {
        body += c.toString("utf8");
      });
      req.on("end", () => {
        const path = req.url ?? "/";
        received.push({ path, headers: req.headers, body, at: Date.now() });
        const planned = answers.get(path) ?? 204;
        if (planned === "hang") return;
        const status = Array.isArray(planned) ? (planned.length > 1 ? planned.shift()! : planned[0]!) : planned;
        if (status === 302) res.setHeader("location", `${base}/elsewhere`);
        res.statusCode = status;
        res.end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    t = await startTestApp({
      OUTBOUND_ALLOW_PRIVATE: "true",
      OUTBOX_POLL_MS: "50",
      OUTBOX_RETRY_BASE_MS: "100",
      OUTBOX_MAX_ATTEMPTS: "3",
      WEBHOOK_TIMEOUT_MS: "500",
      WEBHOOK_DISABLE_AFTER_FAILURES: "5",
    });
    a = await setUpAdminApi(t);
  });
  afterAll(async () => {
    await t?.close();
    receiver?.closeAllConnections();
    await new Promise((r) => receiver?.close(r));
  });

  const register = async (path: string, eventTypes: string[] = ["client.created"]) => {
    const res = await a.call("POST", "/api/v1/webhooks", a.admin.token, { url: `${base}${path}`, eventTypes, description: path });
    expect(res.status).toBe(201);
    const body = res.body as { endpoint: { id: string; enabled: boolean; eventTypes: string[] }; secret: string };
    // audited with the admin, the surface and the client their token was issued to
    const [created] = (await t.app.queries.auditEvents.listByType("webhook.created", 50)).filter(
      (e) => (e.data as { endpointId?: string }).endpointId === body.endpoint.id,
    );
    expect(created).toMatchObject({ actorId: a.admin.id, data: { url: `${base}${path}`, via: "api", apiClientId: a.clientId } });
    return body;
  };
  const admin = { actorId: "cli", via: "cli" as const };
  const newClient = (name: string) =>
    t.app.services.clientAdmin.create({ name, type: "confidential", redirectUris: ["https://rp.example.test/cb"] }, admin);
  const to = (path: string) => received.filter((r) => r.path === path);

  it("sends an audited action as a POST signed the Standard Webhooks way, and nothing of types the endpoint did not choose", async () => {
    await newClient("Before any endpoint"); // with no endpoint enabled the trigger stages nothing
    expect(await t.app.db.prisma.webhookEvent.count()).toBe(0);
    const { endpoint, secret } = await register("/signed");
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(endpoint.eventTypes).toEqual(["client.created"]);
    const listed = await a.call("GET", `/api/v1/webhooks/${endpoint.id}`, a.admin.token);
    expect(listed.text).not.toContain(secret.slice(6, 20)); // never shown again

    const { client } = await newClient("Webhook RP");
    await t.app.services.keyRotation.rotate(admin, "cli"); // keys.rotated: signing_key.rotated, not chosen
    const [got] = await until(() => (to("/signed").length ? to("/signed") : null));
    const body = JSON.parse(got!.body) as Body;
    expect(body).toMatchObject({
      type: "client.created",
      data: { clientId: client.id, auditType: "client.created", details: { name: "Webhook RP", via: "cli" } },
    });
    expect(got!.headers["webhook-id"]).toMatch(/^msg_[0-9a-f-]{36}$/);
    expect(Math.abs(Number(got!.headers["webhook-timestamp"]) - Date.now() / 1000)).toBeLessThan(60);
    expect(got!.headers["webhook-signature"]).toBe(specSignature(secret, got!.headers, got!.body));
    expect(new Webhook(secret).verify(got!.body, got!.headers as Record<string, string>)).toEqual(body);
    expect(() => new Webhook(secret).verify(got!.body.replace("Webhook RP", "Webhook RQ"), got!.headers as Record<string, string>)).toThrow(
      /signature/i,
    );

    await t.app.webhookDispatcher.idle();
    await t.app.outbox.idle();
    expect(to("/signed").map((r) => (JSON.parse(r.body) as Body).type)).toEqual(["client.created"]);
  });

  it("retries a failing receiver with the same webhook-id until it answers 2xx, counted in /metrics", async () => {
    const metrics = async () => parseMetrics(await (await fetch(`${t.url}/metrics`)).text());
    const before = await metrics();
    answers.set("/flaky", [500, 503, 200]);
    await register("/flaky");
    await newClient("Flaky RP");
    const tries = await until(() => (to("/flaky").length >= 3 ? to("/flaky") : null));
    expect(new Set(tries.map((r) => r.headers["webhook-id"])).size).toBe(1);
    expect(tries[1]!.at - tries[0]!.at).toBeGreaterThanOrEqual(90); // the outbox's backoff
    const endpoints = (await a.call("GET", "/api/v1/webhooks", a.admin.token)).body.endpoints as { url: string; failureCount: number }[];
    await until(async () => (await t.app.services.webhooks.list()).find((e) => e.url.endsWith("/flaky"))?.failureCount === 0);
    expect(endpoints.some((e) => e.url.endsWith("/flaky"))).toBe(true);
    await t.app.outbox.idle();
    const after = await metrics();
    const moved = (series: string) => (after.get(series) ?? 0) - (before.get(series) ?? 0);
    // the event went to both endpoints that chose client.created (/signed from the first test, and /flaky)
    expect(moved('gatehouse_outbox_queued_total{kind="webhook"}')).toBe(2);
    expect(moved('gatehouse_outbox_deliveries_total{kind="webhook",result="failed"}')).toBe(2);
    expect(moved('gatehouse_outbox_deliveries_total{kind="webhook",result="delivered"}')).toBe(2);
  });

  it("keeps a message the receiver never takes as a dead letter, which an admin retries; redirects and slow answers fail", async () => {
    answers.set("/down", 503);
    answers.set("/moved", 302);
    answers.set("/slow", "hang");
    const down = await register("/down");
    await register("/moved");
    await register("/slow");
    await newClient("Dead letter RP");
    const deadFor = (id: string) =>
      until(async () => {
        const res = await a.call("GET", "/api/v1/outbox?status=dead&kind=webhook", a.admin.token);
        return (res.body.messages as { id: string; recipient: string; topic: string; attempts: number; lastError: string }[]).find(
          (m) => m.recipient === id,
        );
      });
    const dead = await deadFor(down.endpoint.id);
    expect(dead).toMatchObject({ topic: "client.created", attempts: 3, lastError: expect.stringMatching(/HTTP 503/) });
    expect(to("/down")).toHaveLength(3);

    const moved = (await t.app.services.webhooks.list()).find((e) => e.url.endsWith("/moved"))!;
    expect((await deadFor(moved.id)).lastError).toMatch(/HTTP 302: redirects are not followed/);
    expect(to("/elsewhere")).toHaveLength(0);
    const slow = (await t.app.services.webhooks.list()).find((e) => e.url.endsWith("/slow"))!;
    expect((await deadFor(slow.id)).lastError).toMatch(/no answer within 500 ms/);

    answers.set("/down", 200);
    const retried = await a.call("POST", `/api/v1/outbox/${dead.id}/retry`, a.admin.token);
    expect(retried.status).toBe(200);
    await until(() => to("/down").length === 4);
    expect(to("/down")[3]!.headers["webhook-id"]).toBe(to("/down")[0]!.headers["webhook-id"]);
  });

  it("disables an endpoint after WEBHOOK_DISABLE_AFTER_FAILURES failed attempts in a row, audited, its waiting messages dead", async () => {
    answers.set("/broken", 500);
    const { endpoint } = await register("/broken");
    await newClient("Broken 1");
    await newClient("Broken 2");
    const disabled = await until(async () => {
      const e = await t.app.services.webhooks.find(endpoint.id);
      return e && !e.enabled ? e : null;
    });
    expect(disabled).toMatchObject({ enabled: false, disabledReason: "failures" });
    const events = (await t.app.queries.auditEvents.listByType("webhook.disabled", 10)).filter(
      (e) => (e.data as { endpointId?: string }).endpointId === endpoint.id,
    );
    expect(events).toHaveLength(1);
    await t.app.outbox.idle();
    const waiting = await t.app.services.outbox.list({ status: "pending", kind: "webhook" }, null, 100);
    expect(waiting.filter((m) => m.recipient === endpoint.id)).toEqual([]);
    const count = to("/broken").length;
    expect(count).toBeGreaterThanOrEqual(5); // both messages' attempts run side by side: one may be in flight at the 5th failure
    expect(count).toBeLessThanOrEqual(6);
    await newClient("Broken 3"); // no longer sent
    await t.app.webhookDispatcher.idle();
    await t.app.outbox.idle();
    expect(to("/broken")).toHaveLength(count);

    const enabled = await a.call("PATCH", `/api/v1/webhooks/${endpoint.id}`, a.admin.token, { enabled: true });
    expect(enabled.body).toMatchObject({ enabled: true, disabledReason: null, failureCount: 0 });
  });

  it("refuses bad input with the field named and changes nothing; 404 for unknown endpoints; only the webhooks permission may call", async () => {
    const before = (await t.app.services.webhooks.list()).length;
    const bad = async (body: unknown, field: string, message: RegExp) => {
      const res = await a.call("POST", "/api/v1/webhooks", a.admin.token, body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe("request.invalid");
      expect(JSON.stringify(res.body)).toContain(field);
      expect(res.body.message).toMatch(message);
    };
    await bad({ url: "ftp://example.test/hook" }, "url", /must use https or http/);
    await bad({ url: "not a url" }, "url", /absolute URL/);
    await bad({ url: "https://user:pw@example.test/hook" }, "url", /user name or password/);
    await bad(
      { url: "https://example.test/hook", eventTypes: ["user.created", "user.exploded"] },
      "eventTypes",
      /unknown event type\(s\): user\.exploded/,
    );
    await bad({ url: "https://example.test/hook", colour: "red" }, "colour", /./);
    expect((await t.app.services.webhooks.list()).length).toBe(before);

    const missing = "00000000-0000-4000-8000-000000000000";
    for (const [method, path] of [
      ["GET", `/api/v1/webhooks/${missing}`],
      ["PATCH", `/api/v1/webhooks/${missing}`],
      ["DELETE", `/api/v1/webhooks/${missing}`],
      ["POST", `/api/v1/webhooks/${missing}/rotate-secret`],
    ] as const) {
      const res = await a.call(method, path, a.admin.token, method === "PATCH" ? { enabled: false } : undefined);
      expect([res.status, res.body.code]).toEqual([404, "webhook.not_found"]);
    }
    expect((await a.call("GET", "/api/v1/webhooks/nope", a.admin.token)).status).toBe(400);

    const lacking = await a.roleToken(["gatehouse.admin.outbox.manage"]);
    expect(
      await refusals(
        a,
        lacking.token,
        [
          ["GET", "/api/v1/webhooks"],
          ["POST", "/api/v1/webhooks", { url: "https://example.test/h" }],
          ["GET", "/api/v1/webhook-event-types"],
        ],
        "gatehouse.admin.webhooks.manage",
      ),
    ).toEqual([]);
  });

  it("rotates the secret: both signatures for a day, the new one shown once; delete removes the endpoint and its messages", async () => {
    const { endpoint, secret: old } = await register("/rotating");
    const rotated = await a.call("POST", `/api/v1/webhooks/${endpoint.id}/rotate-secret`, a.admin.token);
    expect(rotated.status).toBe(200);
    const secret = (rotated.body as { secret: string }).secret;
    expect(secret).not.toBe(old);
    expect(rotated.body).toMatchObject({ endpoint: { secretRotating: true } });
    await newClient("Rotation RP");
    const [got] = await until(() => (to("/rotating").length ? to("/rotating") : null));
    const signatures = String(got!.headers["webhook-signature"]).split(" ");
    expect(signatures).toEqual([specSignature(secret, got!.headers, got!.body), specSignature(old, got!.headers, got!.body)]);
    expect(new Webhook(old).verify(got!.body, got!.headers as Record<string, string>)).toBeTruthy();
    const audited = await t.app.queries.auditEvents.listByType("webhook.secret_rotated", 10);
    expect(audited.length).toBeGreaterThan(0);
    expect(JSON.stringify(audited.map((e) => e.data))).not.toContain(secret.slice(6, 20));

    const del = await a.call("DELETE", `/api/v1/webhooks/${endpoint.id}`, a.admin.token);
    expect(del.status).toBe(204);
    expect((await a.call("GET", `/api/v1/webhooks/${endpoint.id}`, a.admin.token)).status).toBe(404);
  });

  it("a process stopped gracefully and started again sends what was staged while it was down", async () => {
    const { endpoint } = await register("/restart");
    await t.app.webhookDispatcher.stop();
    await t.app.outbox.stop();
    await newClient("Staged while stopped");
    await new Promise((r) => setTimeout(r, 200));
    expect(to("/restart")).toHaveLength(0);
    const staged = await t.app.db.prisma.webhookEvent.count();
    expect(staged).toBeGreaterThan(0);

    const again = await createContext(t.config); // the same database and master key: a restarted process
    try {
      const [got] = await until(() => (to("/restart").length ? to("/restart") : null));
      expect(JSON.parse(got!.body)).toMatchObject({ type: "client.created", data: { details: { name: "Staged while stopped" } } });
      await again.webhookDispatcher.idle();
      await again.outbox.idle();
      const [event] = (await again.queries.auditEvents.listByType("client.created", 50)).filter(
        (e) => (e.data as { name?: string }).name === "Staged while stopped",
      );
      expect(await again.db.prisma.webhookEvent.count({ where: { auditId: event!.id } })).toBe(0); // taken off the staging table
      expect(to("/restart")).toHaveLength(1);
      expect((await again.services.webhooks.find(endpoint.id))?.failureCount).toBe(0);
    } finally {
      await again.close();
    }
  });
});
