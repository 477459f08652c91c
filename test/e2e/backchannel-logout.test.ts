// A client with a back-channel logout URI receives a signed logout token when the user signs out, and when a
// password change ends the session from elsewhere.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import http from "node:http";
import type { AddressInfo } from "node:net";
import * as client from "openid-client";
import { createRemoteJWKSet, jwtVerify } from "jose";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser } from "../helpers/browser.ts";
import { discover, loginWithCode } from "../helpers/oidc-flow.ts";

const REDIRECT = "https://rp.example.test/callback";
const LOGOUT_REDIRECT = "https://rp.example.test/bye";

describe("back-channel logout", () => {
  let t: TestApp;
  let receiver: http.Server;
  const received: string[] = [];
  let rp: client.Configuration;

  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      let body = "";
      req.on("data", (d: Buffer) => {
        body += d.toString();
      });
      req.on("end", () => {
        received.push(new URLSearchParams(body).get("logout_token") ?? "");
        res.end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    t = await startTestApp({ OUTBOUND_ALLOW_PRIVATE: "true" }); // the receiver is on loopback
    const { clientId, clientSecret } = await t.createClient({
      name: "BCL RP",
      type: "confidential",
      redirectUris: [REDIRECT],
      postLogoutRedirectUris: [LOGOUT_REDIRECT],
      firstParty: true,
      backchannelLogoutUri: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/backchannel`,
    });
    rp = await discover(t.url, clientId, clientSecret);
  });
  afterAll(async () => {
    await t?.close();
    await new Promise((r) => receiver.close(r));
  });

  it("posts a logout token carrying the session's sid", async () => {
    const user = await t.createUser();
    const browser = new TestBrowser(t.url);
    const { tokens } = await loginWithCode(rp, browser, REDIRECT, { identifier: user.email, password: user.password });
    const errors: unknown[] = [];
    t.app.oidc.provider.on("backchannel.error", (_ctx: unknown, err: unknown) => errors.push(err));
    const sid = tokens.claims()!.sid;
    expect(typeof sid).toBe("string"); // clients with back-channel logout get sid in the ID token
    const confirm = await browser.go(
      client.buildEndSessionUrl(rp, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: LOGOUT_REDIRECT }).toString(),
    );
    await browser.submit(confirm, "/session/end/confirm", { logout: "yes" }, { stopAt: LOGOUT_REDIRECT });
    for (let i = 0; i < 50 && !received.length; i++) await new Promise((r) => setTimeout(r, 20));
    expect(errors).toEqual([]);
    expect(received).toHaveLength(1);
    const jwks = createRemoteJWKSet(new URL(`${t.url}/jwks`));
    const { payload, protectedHeader } = await jwtVerify(received[0]!, jwks, {
      issuer: t.url,
      audience: rp.clientMetadata().client_id,
      typ: "logout+jwt",
    });
    expect(protectedHeader.alg).toBe("ES256");
    expect(payload.sub).toBe(user.id);
    expect(payload.sid).toBe(sid);
    expect(payload.events).toEqual({ "http://schemas.openid.net/event/backchannel-logout": {} });
  });

  it("is also sent when a password change elsewhere ends the session", async () => {
    const user = await t.createUser();
    const rpBrowser = new TestBrowser(t.url);
    const { tokens } = await loginWithCode(rp, rpBrowser, REDIRECT, { identifier: user.email, password: user.password });
    const sid = tokens.claims()!.sid;
    const before = received.length;
    // another browser changes the password on the account page
    const other = new TestBrowser(t.url);
    const login = await other.go(`${t.url}/login?return_to=/account/security`);
    const security = await other.submit(login, "/login", { identifier: user.email, password: user.password });
    const changed = await other.submit(security, "/account/security/password", {
      current: user.password,
      password: "brand new lantern harbour words",
    });
    expect(changed.html).toContain("Your password was changed");
    for (let i = 0; i < 100 && received.length === before; i++) await new Promise((r) => setTimeout(r, 20));
    expect(received.length).toBe(before + 1);
    const jwks = createRemoteJWKSet(new URL(`${t.url}/jwks`));
    const { payload } = await jwtVerify(received.at(-1)!, jwks, {
      issuer: t.url,
      audience: rp.clientMetadata().client_id,
      typ: "logout+jwt",
    });
    expect(payload.sub).toBe(user.id);
    expect(payload.sid).toBe(sid);
  });

  it("by default refuses to send it to a loopback address (SSRF protection)", async () => {
    const guarded = await startTestApp();
    try {
      const { clientId, clientSecret } = await guarded.createClient({
        name: "BCL RP",
        type: "confidential",
        redirectUris: [REDIRECT],
        postLogoutRedirectUris: [LOGOUT_REDIRECT],
        firstParty: true,
        backchannelLogoutUri: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/backchannel`,
      });
      const guardedRp = await discover(guarded.url, clientId, clientSecret);
      const user = await guarded.createUser();
      const browser = new TestBrowser(guarded.url);
      const { tokens } = await loginWithCode(guardedRp, browser, REDIRECT, { identifier: user.email, password: user.password });
      const errors: Error[] = [];
      guarded.app.oidc.provider.on("backchannel.error", (_ctx: unknown, err: Error) => errors.push(err));
      const before = received.length;
      const confirm = await browser.go(
        client.buildEndSessionUrl(guardedRp, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: LOGOUT_REDIRECT }).toString(),
      );
      const done = await browser.submit(confirm, "/session/end/confirm", { logout: "yes" }, { stopAt: LOGOUT_REDIRECT });
      expect(done.url).toBe(LOGOUT_REDIRECT); // the user is still signed out
      for (let i = 0; i < 50 && !errors.length; i++) await new Promise((r) => setTimeout(r, 20));
      expect(String(errors[0]?.cause)).toMatch(/special-use IP address/);
      expect(received.length).toBe(before);
    } finally {
      await guarded.close();
    }
  });
});
