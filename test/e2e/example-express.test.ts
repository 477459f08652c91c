// examples/express-openid-client against a live Gatehouse: the Express app sends the browser to Gatehouse, the user
// signs in through the real pages (password, team), the app's callback exchanges the code (PKCE), keeps the user
// in its express-session, and its profile page shows the team and role (ID token, `roles` scope) and the
// permissions of the JWT access token for the app's API. Its sign-out ends the Gatehouse session (RP-initiated
// logout) and comes back to the app.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { randomBytes } from "node:crypto";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser } from "../helpers/browser.ts";
import { discover, signInThroughPages } from "../helpers/oidc-flow.ts";
import { teamWithMembers } from "../helpers/team-flow.ts";
import { lateBoundServer, registerPermissions } from "../helpers/example-apps.ts";
// @ts-expect-error: the example is plain JavaScript without type declarations
import { createExpressApp } from "../../examples/express-openid-client/app.mjs";

const API = "https://api.example.test"; // in the test app's RESOURCE_SERVERS

describe("example Express relying party (examples/express-openid-client)", () => {
  let t: TestApp;
  let rp: Awaited<ReturnType<typeof lateBoundServer>>;

  beforeAll(async () => {
    t = await startTestApp();
    rp = await lateBoundServer();
    const { clientId, clientSecret } = await t.createClient({
      name: "Example Express app",
      type: "confidential",
      redirectUris: [`${rp.url}/callback`],
      postLogoutRedirectUris: [`${rp.url}/`],
      grantTypes: ["authorization_code", "client_credentials"],
      resources: [API, `${t.url}/api`],
      scope: "openid profile email roles",
      permissionNamespace: "example.shop",
    });
    // the app's permissions, as the app would register them when it is deployed
    await registerPermissions(t.url, await discover(t.url, clientId, clientSecret), {
      "example.shop.order.read": { label: "See orders", tab: "Shop", roles: ["manager", "developer"] },
      "example.shop.order.refund": { label: "Refund orders", tab: "Shop", roles: ["manager"] },
    });
    const app = createExpressApp({
      issuer: t.url,
      clientId,
      clientSecret,
      baseUrl: rp.url,
      sessionSecret: randomBytes(32).toString("hex"),
      resource: API,
    });
    rp.serve(app);
  });
  afterAll(async () => {
    await rp?.close();
    await t?.close();
  });

  it("signs in through Gatehouse, shows team, role and permissions, and signs out through Gatehouse", async () => {
    const team = await teamWithMembers(t, "Shop", "developer");
    const user = team.members[0]!;
    const browser = new TestBrowser(t.url); // forms are posted on Gatehouse's pages, with its origin
    const home = await browser.go(`${rp.url}/`);
    expect(home.html).toContain('href="/login"');
    expect((await browser.go(`${rp.url}/profile`, { stopAt: t.url })).url.startsWith(`${t.url}/`)).toBe(true); // not signed in: off to Gatehouse

    const { callback } = await signInThroughPages(browser, `${rp.url}/login`, `${rp.url}/callback`, {
      identifier: user.email,
      password: user.password,
    });
    const profile = await browser.go(callback);
    expect(profile.url).toBe(`${rp.url}/profile`);
    expect(profile.html, profile.html).toContain(`<dd id="sub">${user.id}</dd>`);
    expect(profile.html).toContain(`<dd id="email">${user.email}</dd>`);
    expect(profile.html).toContain(`<dd id="team">${team.name} (<code>${team.slug}</code>)</dd>`);
    expect(profile.html).toContain('<dd id="role">developer</dd>');
    expect(profile.html).toContain('<ul id="permissions"><li>example.shop.order.read</li></ul>');

    // a replayed callback is refused (the pending sign-in is single use)
    const replay = await browser.request(callback);
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain("No sign-in in progress");

    // sign out: the app's session ends, Gatehouse asks to confirm, then returns to the app's post-logout URI
    const signOut = { init: { method: "POST" }, stopAt: `${rp.url}/` };
    const confirm = await browser.go(`${rp.url}/logout`, signOut);
    const out = confirm.url.startsWith(`${rp.url}/`)
      ? confirm
      : await browser.submit(confirm, "/session/end/confirm", { logout: "yes" }, { stopAt: `${rp.url}/` });
    expect(out.url.startsWith(`${rp.url}/`)).toBe(true);
    expect((await browser.go(`${rp.url}/`)).html).toContain('href="/login"');
    expect((await t.app.services.oidcStore.endUserSessions(user.id)).ended).toHaveLength(0); // already ended by the logout
  }, 60_000);

  it("refuses a callback with no sign-in in progress, and one whose state does not match", async () => {
    const browser = new TestBrowser(t.url);
    const stray = await browser.request(`${rp.url}/callback?code=abc&state=xyz`);
    expect(stray.status).toBe(400);
    expect(await stray.text()).toContain("No sign-in in progress");

    const started = await browser.go(`${rp.url}/login`, { stopAt: t.url });
    expect(started.url.startsWith(`${t.url}/`)).toBe(true);
    const forged = await browser.request(`${rp.url}/callback?code=abc&state=not-the-one`);
    expect(forged.status).toBe(400);
    expect(await forged.text()).toMatch(/^Sign-in failed: /);
    // nobody is signed in, and the pending sign-in is gone with the failed attempt
    expect((await browser.go(`${rp.url}/`)).html).toContain('href="/login"');
    expect((await browser.request(`${rp.url}/callback?code=abc&state=not-the-one`)).status).toBe(400);
  });
});
