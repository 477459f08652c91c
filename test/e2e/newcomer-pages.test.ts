// #18, the newcomer path over real HTTP: where /login lands (admins on /admin) and the header's Admin link;
// "Register as Administrator" only while no administrator exists and never on an app's sign-in; the development
// mailbox's links clickable; the new-client form's words and the client-created page (issuer, discovery, copy
// buttons); consent says who is signed in with a way to switch; the signed-out page leads back in; unknown URLs
// get the styled 404 (JSON for /api and JSON callers); the favicon; one wording ("Sign in", "Two-factor
// authentication").
import { readFileSync } from "node:fs";
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import * as client from "openid-client";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser, type Page } from "../helpers/browser.ts";
import { discover } from "../helpers/oidc-flow.ts";
import { authorizationRequest } from "../helpers/totp-login.ts";

const RP_REDIRECT = "https://third.example.test/callback";
const ADMIN_LINK = '<a class="header-link" href="/admin">Admin</a>';
const ADMIN_REGISTER = "Register as Administrator";

describe("the newcomer path", () => {
  let t: TestApp;
  let rp: client.Configuration;

  beforeAll(async () => {
    t = await startTestApp();
    // a third-party app: it shows the consent page
    const { clientId, clientSecret } = await t.createClient({ name: "Third App", type: "confidential", redirectUris: [RP_REDIRECT] });
    rp = await discover(t.url, clientId, clientSecret);
  });
  afterAll(async () => {
    await t?.close();
  });

  /** /login with no return_to asked, the password; the page it lands on */
  const signInAtLogin = async (
    user: { email: string; password: string },
    path = "/login",
  ): Promise<{ browser: TestBrowser; page: Page }> => {
    const browser = new TestBrowser(t.url);
    const login = await browser.go(`${t.url}${path}`);
    const page = await browser.submit(login, "/login", { identifier: user.email, password: user.password });
    return { browser, page };
  };
  const makeAdmin = async () => {
    const user = await t.createUser();
    await t.app.services.systemRoles.setUserRole(user.id, "super_admin");
    return user;
  };

  it("'Register as Administrator': on Gatehouse's own sign-in while no administrator exists, never on an app's", async () => {
    expect(await t.app.services.accounts.adminExists()).toBe(false);
    const browser = new TestBrowser(t.url);
    const own = await browser.go(`${t.url}/login`);
    expect(own.html).toContain(ADMIN_REGISTER);
    expect((await browser.go(`${t.url}/register`)).html).toContain(ADMIN_REGISTER);
    const app = await browser.go((await authorizationRequest(rp, RP_REDIRECT)).url, { stopAt: RP_REDIRECT });
    expect(app.url).toMatch(/\/interaction\//);
    expect(app.html).not.toContain(ADMIN_REGISTER);
    const uid = /\/interaction\/([\w-]+)$/.exec(app.url)![1]!;
    expect((await browser.go(`${t.url}/register?login=/interaction/${uid}`)).html).not.toContain(ADMIN_REGISTER);

    await makeAdmin();
    const later = new TestBrowser(t.url);
    expect((await later.go(`${t.url}/login`)).html).not.toContain(ADMIN_REGISTER);
    expect((await later.go(`${t.url}/register`)).html).not.toContain(ADMIN_REGISTER);
  });

  it("an administrator lands on /admin after /login, with an Admin link in the header; others on their account", async () => {
    const admin = await makeAdmin();
    const { browser, page } = await signInAtLogin(admin);
    expect(page.url).toBe(`${t.url}/admin/dashboard`);
    expect(page.html).toContain(ADMIN_LINK);
    expect((await browser.go(`${t.url}/account/profile`)).html).toContain(ADMIN_LINK);
    // already signed in: /login goes straight to the console again; an asked return_to still wins
    expect((await browser.go(`${t.url}/login`)).url).toBe(`${t.url}/admin/dashboard`);
    expect((await browser.go(`${t.url}/login?return_to=/account/sessions`)).url).toBe(`${t.url}/account/sessions`);
    const asked = await signInAtLogin(admin, "/login?return_to=/account/devices");
    expect(asked.page.url).toBe(`${t.url}/account/devices`);

    const member = await t.createUser();
    const plain = await signInAtLogin(member);
    expect(plain.page.url).toBe(`${t.url}/account/profile`);
    expect(plain.page.html).not.toContain(ADMIN_LINK);
    // the start page names both doors
    const home = await plain.browser.go(`${t.url}/`);
    expect(home.html).toContain('<a href="/login">Sign in to your account</a>');
    expect(home.html).toContain('<a href="/admin">Admin console</a>');
  });

  it("the development mailbox shows the links in an email as links", async () => {
    const browser = new TestBrowser(t.url);
    const form = await browser.go(`${t.url}/forgot-password`);
    const user = await t.createUser();
    await browser.submit(form, "/forgot-password", { identifier: user.email });
    let mailbox: Page | undefined;
    for (let i = 0; i < 100; i++) {
      mailbox = await browser.go(`${t.url}/dev/mailbox`);
      if (mailbox.html.includes("/reset-password")) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const link = /<a href="(http:\/\/[^"]+\/reset-password[^"]*)">\1<\/a>/.exec(mailbox!.html);
    expect(link, mailbox!.html.slice(0, 3000)).not.toBeNull();
    expect((await browser.go(link![1]!.replace(/&amp;/g, "&"))).status).toBe(200);
  });

  it("the new-client form speaks plainly; the registered client's page shows the issuer and discovery URL to copy", async () => {
    const admin = await makeAdmin();
    const { browser } = await signInAtLogin(admin);
    const form = await browser.go(`${t.url}/admin/clients/new`);
    expect(form.html).toContain('id="backchannelLogoutUri" name="backchannelLogoutUri" type="url"');
    const refused = await browser.submit(form, "/admin/clients/new", {
      name: "",
      type: "confidential",
      redirectUris: "https://app.example.test/cb",
      grantTypes: "authorization_code",
    });
    expect(refused.status).toBe(400);
    expect(refused.html).toContain("Enter a name for the client.");
    expect(refused.html).not.toMatch(/Too small|expected string/);
    const noUri = await browser.submit(form, "/admin/clients/new", {
      name: "Notes",
      type: "confidential",
      redirectUris: "",
      grantTypes: "authorization_code",
    });
    expect(noUri.html).toContain("authorization_code needs at least one redirect URI");

    const made = await browser.submit(form, "/admin/clients/new", {
      name: "My app",
      type: "confidential",
      redirectUris: "https://app.example.test/cb",
      grantTypes: "authorization_code",
    });
    expect(made.status).toBe(200);
    expect(made.html).toContain(`<code id="copy-issuer" data-issuer>${t.url}</code>`);
    expect(made.html).toContain(`<code id="copy-discovery" data-discovery>${t.url}/.well-known/openid-configuration</code>`);
    for (const id of ["copy-client-id", "copy-client-secret", "copy-issuer", "copy-discovery"])
      expect(made.html).toContain(`data-copy="${id}"`);
    expect(made.html).toContain('<script src="/static/js/copy.js" defer></script>');
    expect((await browser.request(`${t.url}/static/js/copy.js`)).status).toBe(200);
  });

  it("the back-channel logout URL input is styled like the other fields", () => {
    const css = readFileSync(new URL("../../public/css/gatehouse.css", import.meta.url), "utf8");
    const rule = /((?:input\[type="[a-z]+"\],\s*)+)\.password-field input \{/.exec(css)?.[1] ?? "";
    expect(rule).toContain('input[type="url"]');
  });

  it("consent says who is signed in, with 'Not you?' asking the same request again with prompt=login", async () => {
    const user = await t.createUser();
    const browser = new TestBrowser(t.url);
    const req = await authorizationRequest(rp, RP_REDIRECT);
    const login = await browser.go(req.url, { stopAt: RP_REDIRECT });
    const consent = await browser.submit(login, "/login", { identifier: user.email, password: user.password }, { stopAt: RP_REDIRECT });
    expect(consent.html).toContain("/confirm");
    expect(consent.html).toContain(`Signed in as <strong>${user.username}</strong> (${user.email})`);
    const href = /<a href="([^"]+)">Not you\?<\/a>/.exec(consent.html)![1]!.replace(/&amp;/g, "&");
    const again = new URL(href, t.url);
    expect(again.pathname).toBe("/auth");
    expect(again.searchParams.get("prompt")).toBe("login");
    expect(again.searchParams.get("state")).toBe(new URL(req.url).searchParams.get("state"));
    const switched = await browser.go(again.toString(), { stopAt: RP_REDIRECT });
    expect(switched.html).toContain('name="password"'); // the sign-in again, for someone else
  });

  it("the signed-out page offers to sign in again", async () => {
    const user = await t.createUser();
    const { browser } = await signInAtLogin(user);
    const confirm = await browser.go(`${t.url}/session/end`);
    const out = await browser.submit(confirm, "/session/end/confirm", { logout: "yes" });
    expect(out.html).toContain("You are signed out");
    expect(out.html).toContain('<a class="btn btn-primary" href="/login">Sign in again</a>');
  });

  it("unknown URLs: the styled 404 page, JSON for /api and for JSON callers", async () => {
    const browser = new TestBrowser(t.url);
    const page = await browser.go(`${t.url}/no/such/page`);
    expect(page.status).toBe(404);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    expect(page.html).toContain('<link rel="stylesheet" href="/static/css/gatehouse.css">');
    expect(page.html).toContain("Page not found");
    expect(page.html).toContain('<a class="btn btn-primary" href="/">Go to the start page</a>');
    const json = await fetch(`${t.url}/no/such/page`, { headers: { accept: "application/json" } });
    expect(json.status).toBe(404);
    expect(await json.json()).toMatchObject({ code: "not_found" });
    const api = await fetch(`${t.url}/api/v1/no-such-thing`, { headers: { accept: "text/html" } });
    expect(api.status).toBe(404);
    expect(api.headers.get("content-type")).toMatch(/json/);
    // a missing static file too
    expect((await browser.go(`${t.url}/static/js/missing.js`)).html).toContain("Page not found");
  });

  it("a favicon: linked from every page, served at /static/favicon.svg and /favicon.ico", async () => {
    const browser = new TestBrowser(t.url);
    expect((await browser.go(`${t.url}/`)).html).toContain('<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">');
    for (const path of ["/favicon.ico", "/static/favicon.svg"]) {
      const res = await browser.request(`${t.url}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get("content-type"), path).toMatch(/image\/svg\+xml/);
      expect(await res.text()).toContain("<svg");
    }
  });

  it("one wording: 'Sign in' (never 'Login') and 'Two-factor authentication' (never 'Two-step')", async () => {
    const browser = new TestBrowser(t.url);
    const pages = [await browser.go(`${t.url}/login`), await browser.go(`${t.url}/register`)];
    for (const page of pages) {
      expect(page.html).not.toMatch(/>\s*Login\s*</);
      expect(page.html).toContain(">Sign in<");
    }
    expect(pages[0]!.html).toContain('<button class="btn btn-primary btn-block" type="submit">Sign in</button>');
    const views = ["login-totp.eta", "login.eta", "register.eta"].map((f) =>
      readFileSync(new URL(`../../views/pages/${f}`, import.meta.url), "utf8"),
    );
    for (const v of views) expect(v).not.toMatch(/two-step|Two-step|>Login</);
    // the sign-in pages' English words live in the message catalogue (src/lib/i18n/en.ts)
    const english = readFileSync(new URL("../../src/lib/i18n/en.ts", import.meta.url), "utf8");
    expect(english).not.toMatch(/two-step|Two-step|"Login"/);
    expect(views[0]).toContain("it.t('totp.title')");
    expect(english).toContain('"totp.title": "Two-factor authentication"');
  });
});
