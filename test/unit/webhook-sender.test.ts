// The webhook sender's SSRF guard and the endpoint URL rules, against a real loopback server: without
// OUTBOUND_ALLOW_PRIVATE no request reaches a loopback, private or special-use address (literal or a name that
// resolves to one), with it the same request goes through; registration refuses such URLs, plain http in
// production, credentials and fragments. The catalogue maps audit types to webhook types (failed events only for
// login.failed), and the signature is the Standard Webhooks one.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { hostname } from "node:os";
import { lookup } from "node:dns/promises";
import { isSpecialUseAddress } from "../../src/services/request/geo.ts";
import { Webhook } from "standardwebhooks";
import { sendWebhook, WebhookRefused } from "../../src/services/webhooks/sender.ts";
import { webhookUrlProblem } from "../../src/services/webhooks/endpoints.ts";
import { webhookTypeOf, WEBHOOK_TYPES } from "../../src/services/webhooks/catalogue.ts";
import { newWebhookSecret, webhookHeaders } from "../../src/services/webhooks/signing.ts";

describe("webhook sender", () => {
  let server: http.Server;
  let port: number;
  let hits = 0;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      hits++;
      req.resume();
      res.statusCode = 200;
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
  });

  const send = (url: string, allowPrivate: boolean) =>
    sendWebhook({ url, headers: {}, body: "{}" }, { timeoutMs: 2000, allowPrivate, userAgent: "test" });

  it("refuses loopback and private targets unless allowed, before any byte is sent", async () => {
    for (const url of [
      `http://127.0.0.1:${port}/`,
      `http://localhost:${port}/`,
      `http://[::ffff:127.0.0.1]:${port}/`,
      "http://10.0.0.1/",
      "http://169.254.169.254/latest/meta-data",
      "http://[::1]/",
    ]) {
      await expect(send(url, false), url).rejects.toBeInstanceOf(WebhookRefused);
    }
    expect(hits).toBe(0);
    await expect(send(`http://127.0.0.1:${port}/`, true)).resolves.toBe(200);
    expect(hits).toBe(1);
  });

  it("checks the addresses a host name resolves to at connect time", async () => {
    // the machine's own name resolves to a loopback or private address (/etc/hosts): only the resolver can tell
    const name = hostname();
    const { address } = await lookup(name);
    expect(isSpecialUseAddress(address)).toBe(true);
    await expect(send(`http://${name}:${port}/`, false)).rejects.toThrow(
      new RegExp(`${name} resolves to a private or special-use address`),
    );
    expect(hits).toBe(1);
    if (address.startsWith("127.")) await expect(send(`http://${name}:${port}/`, true)).resolves.toBe(200);
  });

  it("refuses endpoint URLs that are not https in production, carry credentials or fragments, or point inside", () => {
    const prod = { production: true, allowPrivate: false };
    const dev = { production: false, allowPrivate: false };
    expect(webhookUrlProblem("https://hooks.example.com/gatehouse", prod)).toBeNull();
    expect(webhookUrlProblem("http://hooks.example.com/gatehouse", prod)).toBe("must use https");
    expect(webhookUrlProblem("http://hooks.example.com/gatehouse", dev)).toBeNull();
    expect(webhookUrlProblem("https://u:p@hooks.example.com/", prod)).toMatch(/user name or password/);
    expect(webhookUrlProblem("https://hooks.example.com/#x", prod)).toMatch(/fragment/);
    expect(webhookUrlProblem("https://127.0.0.1/", prod)).toMatch(/loopback, private/);
    expect(webhookUrlProblem("https://[fd00::1]/", prod)).toMatch(/loopback, private/);
    expect(webhookUrlProblem("https://192.168.1.10/", prod)).toMatch(/loopback, private/);
    expect(webhookUrlProblem("https://app.localhost/", prod)).toMatch(/loopback, private/);
    expect(webhookUrlProblem("https://192.168.1.10/", { production: true, allowPrivate: true })).toBeNull();
    expect(webhookUrlProblem("javascript:alert(1)", dev)).toBe("must use https or http");
  });

  it("maps audit events to the catalogue: successes, and failed sign-ins only", () => {
    expect(webhookTypeOf("user.registered", "success")).toBe("user.created");
    expect(webhookTypeOf("login.failed", "failure")).toBe("login.failed");
    expect(webhookTypeOf("login.second_factor_failed", "failure")).toBe("login.failed");
    expect(webhookTypeOf("client.created", "failure")).toBeNull();
    expect(webhookTypeOf("login.risk_evaluated", "success")).toBeNull();
    expect(webhookTypeOf("webhook.created", "success")).toBeNull();
    expect(new Set(WEBHOOK_TYPES).size).toBe(WEBHOOK_TYPES.length);
  });

  it("signs as the reference implementation verifies", () => {
    const secret = newWebhookSecret();
    const body = JSON.stringify({ type: "user.created", timestamp: new Date().toISOString(), data: { userId: "u" } });
    const headers = webhookHeaders([secret], "msg_1", Math.floor(Date.now() / 1000), body);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(newWebhookSecret()).verify(body, headers)).toThrow();
  });
});
