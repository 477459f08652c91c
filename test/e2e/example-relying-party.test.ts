// examples/node-openid-client against a live Gatehouse: the example app (openid-client) sends the browser to
// Gatehouse, the user signs in through the real pages, the app exchanges the code and shows who signed in; its
// sign-out link ends the Gatehouse session (RP-initiated logout) and comes back to the app.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import type http from "node:http";
import type { AddressInfo } from "node:net";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser } from "../helpers/browser.ts";
import { signInThroughPages } from "../helpers/oidc-flow.ts";
// @ts-expect-error: the example is plain JavaScript without type declarations
import { createRelyingParty } from "../../examples/node-openid-client/app.mjs";

describe("example relying party (examples/node-openid-client)", () => {
  let t: TestApp;
  let rp: http.Server;
  let base: string;

  beforeAll(async () => {
    t = await startTestApp();
    // the app's address first (its redirect URI names it), then its client, then the app itself
    const holder: { handler?: http.RequestListener } = {};
    const { createServer } = await import("node:http");
    rp = createServer((req, res) => holder.handler!(req, res));
    await new Promise<void>((r) => rp.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(rp.address() as AddressInfo).port}`;
    const { clientId, clientSecret } = await t.createClient({
      name: "Example app",
      type: "confidential",
      redirectUris: [`${base}/callback`],
      postLogoutRedirectUris: [`${base}/`],
    });
    const app = createRelyingParty({ issuer: t.url, clientId, clientSecret, baseUrl: base }) as http.Server;
    holder.handler = (req, res) => app.emit("request", req, res);
  });
  afterAll(async () => {
    rp?.closeAllConnections();
    await new Promise((r) => rp?.close(r));
    await t?.close();
  });

  it("signs in through Gatehouse's pages and shows the user; signs out through Gatehouse", async () => {
    const user = await t.createUser();
    const browser = new TestBrowser(t.url); // forms are posted on Gatehouse's pages, with its origin
    const home = await browser.go(`${base}/`);
    expect(home.html).toContain('href="/login"');

    const { callback } = await signInThroughPages(browser, `${base}/login`, `${base}/callback`, {
      identifier: user.email,
      password: user.password,
    });
    const signedIn = await browser.go(callback);
    expect(signedIn.url).toBe(`${base}/`);
    expect(signedIn.html, signedIn.html).toContain(`<b id="email">${user.email}</b>`);
    expect(signedIn.html).toContain(`<code id="sub">${user.id}</code>`);

    // a replayed callback is refused by the app (the code and its state are single use)
    const replay = await browser.request(callback);
    expect(replay.status).toBe(400);

    // sign out: Gatehouse asks to confirm, then returns to the app's post-logout URI
    const confirm = await browser.go(`${base}/logout`, { stopAt: `${base}/` });
    const out = confirm.url.startsWith(`${base}/`)
      ? confirm
      : await browser.submit(confirm, "/session/end/confirm", { logout: "yes" }, { stopAt: `${base}/` });
    expect(out.url.startsWith(`${base}/`)).toBe(true);
    const gatehouseSessions = await t.app.services.oidcStore.endUserSessions(user.id);
    expect(gatehouseSessions.ended).toHaveLength(0); // already ended by the logout
  }, 60_000);
});
