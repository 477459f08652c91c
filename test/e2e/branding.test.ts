// Branding set by administrators (#18) end to end against a real Gatehouse (Postgres, Redis, SMTP sink): the API
// and the admin page set the product name, colour, links and logo; /login and the emails show them; a logo is
// checked by its bytes (an SVG, an HTML file named .png and an oversize file are refused, nothing changes) and
// served from /brand/logo/<sha-256> with a long cache, ETag and nosniff; a client's own brand shows on its sign-in
// and consent pages only; audited as branding.updated; only holders of gatehouse.admin.branding.manage may change it.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { createHash } from "node:crypto";
import * as client from "openid-client";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { setUpAdminApi, type AdminApi } from "../helpers/api.ts";
import { TestBrowser, parseForms, type Page } from "../helpers/browser.ts";
import { discover, signInThroughPages } from "../helpers/oidc-flow.ts";
import { openAccountPage } from "../helpers/sessions.ts";
import { startSmtpSink, type SmtpSink } from "../helpers/smtp-sink.ts";

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** a PNG by its bytes (signature and an IHDR chunk header), made distinct by `tag` */
const png = (tag: string, size = 64) => {
  const bytes = new Uint8Array(size);
  bytes.set(PNG_SIGNATURE, 0);
  bytes.set([...Buffer.from(`IHDR${tag}`)], 12);
  return bytes;
};
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
const HTML = Buffer.from("<!doctype html><html><body><script>alert(document.cookie)</script></body></html>");
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const REDIRECT = "https://shop.example.test/callback";

describe("branding set by administrators", () => {
  let t: TestApp;
  let a: AdminApi;
  let sink: SmtpSink;

  const putLogo = (path: string, body: Uint8Array, token = a.admin.token, type = "image/png") =>
    fetch(`${t.url}${path}`, {
      method: "PUT",
      headers: { authorization: `Bearer ${token}`, "content-type": type, accept: "application/json" },
      body,
    });
  /** the sign-in page a relying party's authorization request lands on */
  async function signInPageOf(clientId: string): Promise<Page> {
    const rp = await discover(t.url, clientId, null);
    const url = client.buildAuthorizationUrl(rp, {
      redirect_uri: REDIRECT,
      scope: "openid",
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: "S256",
    });
    return new TestBrowser(t.url).go(url.toString());
  }
  /** posts the page's form (action containing `action`) as multipart/form-data, with an optional file */
  async function postMultipart(
    browser: TestBrowser,
    page: Page,
    action: string,
    fields: Record<string, string>,
    file?: { name: string; type: string; bytes: Uint8Array },
  ) {
    const form = parseForms(page.html, page.url).find((f) => f.action.includes(action))!;
    const data = new FormData();
    for (const [k, v] of Object.entries({ ...form.fields, ...fields })) data.set(k, v);
    if (file) data.set("logo", new Blob([Buffer.from(file.bytes)], { type: file.type }), file.name);
    const res = await browser.request(form.action, { method: "POST", headers: { origin: t.url }, body: data });
    return { status: res.status, html: await res.text(), url: form.action, headers: res.headers };
  }

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startTestApp({ SMTP_URL: sink.url, OUTBOX_POLL_MS: "50", OUTBOUND_ALLOW_PRIVATE: "true" });
    a = await setUpAdminApi(t);
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });

  it("API: nothing set answers the defaults; a change shows on /login and in /brand.css, audited; bad values change nothing", async () => {
    const before = await a.call("GET", "/api/v1/admin/branding", a.admin.token);
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({
      productName: null,
      logoUrl: null,
      primaryColor: null,
      updatedAt: null,
      defaults: { productName: "Gatehouse" },
    });

    const set = await a.call("PUT", "/api/v1/admin/branding", a.admin.token, {
      productName: "Acme ID",
      primaryColor: "#0B6E4F",
      supportUrl: "https://acme.example/help",
      termsUrl: "https://acme.example/terms",
      privacyUrl: "https://acme.example/privacy",
    });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ productName: "Acme ID", primaryColor: "#0b6e4f", supportUrl: "https://acme.example/help" });

    const login = await new TestBrowser(t.url).go(`${t.url}/login`);
    expect(login.status).toBe(200);
    expect(login.html).toContain("<title>Sign in · Acme ID</title>");
    expect(login.html).toContain('href="https://acme.example/terms"');
    const href = /<link rel="stylesheet" href="(\/brand\.css\?v=[0-9a-f]+)">/.exec(login.html)?.[1];
    expect(href).toBeTruthy();
    const css = await fetch(`${t.url}${href}`);
    expect(css.status).toBe(200);
    expect(await css.text()).toContain("--primary: #0b6e4f;");

    const events = await t.app.db.prisma.auditEvent.findMany({ where: { type: "branding.updated" } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorId: a.admin.id, outcome: "success", data: { via: "api" } });

    for (const bad of [
      { primaryColor: "red" },
      { termsUrl: "javascript:alert(1)" },
      { productName: "<b>x</b>" },
      { supportUrl: "http://acme.example/help" },
    ]) {
      const refused = await a.call("PUT", "/api/v1/admin/branding", a.admin.token, bad);
      expect(refused.status, JSON.stringify(bad)).toBe(400);
      expect(refused.body.code).toBe("request.invalid"); // the body's schema is the use case's own (services/branding.ts)
    }
    expect((await a.call("GET", "/api/v1/admin/branding", a.admin.token)).body).toMatchObject({
      productName: "Acme ID",
      primaryColor: "#0b6e4f",
      termsUrl: "https://acme.example/terms",
    });
    expect(await t.app.db.prisma.auditEvent.count({ where: { type: "branding.updated" } })).toBe(1);
  });

  it("API: only gatehouse.admin.branding.manage may read or change it", async () => {
    const lacking = await a.roleToken(["gatehouse.admin.clients.manage"]);
    for (const token of [a.plainToken, lacking.token]) {
      expect((await a.call("GET", "/api/v1/admin/branding", token)).status).toBe(403);
      expect((await a.call("PUT", "/api/v1/admin/branding", token, { productName: "Nope" })).status).toBe(403);
      expect((await putLogo("/api/v1/admin/branding/logo", png("nope"), token)).status).toBe(403);
    }
    expect((await a.call("GET", "/api/v1/admin/branding", null)).status).toBe(401);
    const holder = await a.roleToken(["gatehouse.admin.branding.manage"]);
    expect((await a.call("GET", "/api/v1/admin/branding", holder.token)).status).toBe(200);
    expect((await a.call("GET", "/api/v1/admin/branding", a.admin.token)).body.productName).toBe("Acme ID");
  });

  it("API logo: a PNG by its bytes is served from our origin with a long cache and ETag; SVG, HTML and oversize files are refused", async () => {
    const logo = png("api");
    const res = await putLogo("/api/v1/admin/branding/logo", logo, a.admin.token, "application/octet-stream");
    expect(res.status).toBe(200);
    const body = (await res.json()) as { logoUrl: string };
    expect(body.logoUrl).toBe(`/brand/logo/${sha(logo)}`);

    const served = await fetch(`${t.url}${body.logoUrl}`);
    expect(served.status).toBe(200);
    expect(served.headers.get("content-type")).toBe("image/png");
    expect(served.headers.get("x-content-type-options")).toBe("nosniff");
    expect(served.headers.get("cache-control")).toContain("immutable");
    expect(served.headers.get("etag")).toBe(`"${sha(logo)}"`);
    expect(served.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(logo);
    expect((await fetch(`${t.url}${body.logoUrl}`, { headers: { "if-none-match": `"${sha(logo)}"` } })).status).toBe(304);
    expect((await fetch(`${t.url}/brand/logo/${"0".repeat(64)}`)).status).toBe(404);
    expect((await new TestBrowser(t.url).go(`${t.url}/login`)).html).toContain(`src="${body.logoUrl}"`);

    const refusals: [Uint8Array, string, number, string][] = [
      [SVG, "image/svg+xml", 415, "branding.logo_type"],
      [HTML, "image/png", 415, "branding.logo_type"],
      [png("big", 256 * 1024 + 1), "image/png", 413, "branding.logo_too_large"],
    ];
    for (const [bytes, type, status, code] of refusals) {
      const refused = await putLogo("/api/v1/admin/branding/logo", bytes, a.admin.token, type);
      expect(refused.status, code).toBe(status);
      expect(((await refused.json()) as { code: string }).code).toBe(code);
    }
    expect((await putLogo("/api/v1/admin/branding/logo", png("huge", 2 * 1024 * 1024))).status).toBe(413);
    expect((await a.call("GET", "/api/v1/admin/branding", a.admin.token)).body.logoUrl).toBe(body.logoUrl);
    expect(await t.app.db.prisma.brandLogo.count()).toBe(1);
  });

  it("emails carry the product name, the absolute logo URL, the colour and the links", async () => {
    const user = await t.createUser();
    const browser = new TestBrowser(t.url);
    await browser.submit(await browser.go(`${t.url}/forgot-password`), "/forgot-password", { identifier: user.email });
    const mail = await sink.waitFor((m) => m.to.includes(user.email));
    const logoUrl = (await a.call("GET", "/api/v1/admin/branding", a.admin.token)).body.logoUrl as string;
    expect(mail.subject).toContain("Acme ID");
    expect(mail.subject).not.toContain("Gatehouse");
    expect(mail.html).toContain(`src="${t.url}${logoUrl}"`);
    expect(mail.html).toContain("#0b6e4f");
    expect(mail.html).toContain('href="https://acme.example/help"');
  });

  it("the admin page: saves through a multipart form with CSRF; refuses an HTML file named .png and an oversize logo", async () => {
    const admin = new TestBrowser(t.url);
    const page = await openAccountPage(admin, t.url, "/admin/branding", { identifier: a.admin.email, password: a.admin.password });
    expect(page.status).toBe(200);
    expect(page.html).toContain('enctype="multipart/form-data"');
    expect(page.html).toContain('value="Acme ID"');
    expect(page.html).toContain('href="/admin/branding"');

    const html = await postMultipart(
      admin,
      page,
      "/admin/branding",
      { productName: "Acme Sign-in" },
      { name: "logo.png", type: "image/png", bytes: HTML },
    );
    expect(html.status).toBe(415);
    expect(html.html).toContain("must be a PNG, JPEG or WebP image");
    const big = await postMultipart(
      admin,
      page,
      "/admin/branding",
      { productName: "Acme Sign-in" },
      { name: "logo.png", type: "image/png", bytes: png("big", 256 * 1024 + 10) },
    );
    expect(big.status).toBe(413);
    expect((await a.call("GET", "/api/v1/admin/branding", a.admin.token)).body.productName).toBe("Acme ID");

    const forged = await postMultipart(admin, page, "/admin/branding", { productName: "Forged", _csrf: "nope" });
    expect(forged.status).toBe(403);

    const logo = png("page");
    // the form sends every field, as a browser does; an empty one goes back to the default
    const typed = {
      productName: "Acme Sign-in",
      primaryColor: "",
      supportUrl: "https://acme.example/help",
      termsUrl: "https://acme.example/terms",
      privacyUrl: "",
    };
    const badColour = await postMultipart(admin, page, "/admin/branding", { ...typed, primaryColor: "green" });
    expect(badColour.status).toBe(400);
    expect(badColour.html).toContain("That branding setting is not valid");
    expect(badColour.html).toContain('value="green"');
    const saved = await postMultipart(admin, page, "/admin/branding", typed, { name: "brand.webp", type: "image/webp", bytes: logo });
    expect(saved.status).toBe(200);
    expect(saved.html).toContain("The branding was saved");
    expect(saved.html).toContain(`src="/brand/logo/${sha(logo)}"`);
    const after = (await a.call("GET", "/api/v1/admin/branding", a.admin.token)).body;
    expect(after).toMatchObject({
      productName: "Acme Sign-in",
      primaryColor: null,
      logoUrl: `/brand/logo/${sha(logo)}`,
      termsUrl: "https://acme.example/terms",
      privacyUrl: null,
    });
    const event = await t.app.db.prisma.auditEvent.findFirst({
      where: { type: "branding.updated", data: { path: ["via"], equals: "admin_page" } },
    });
    expect(event).toMatchObject({ actorId: a.admin.id });

    const plain = await t.createUser();
    const stranger = new TestBrowser(t.url);
    expect((await openAccountPage(stranger, t.url, "/admin/branding", { identifier: plain.email, password: plain.password })).status).toBe(
      403,
    );
  });

  it("a client's own name, logo and colour show on its sign-in and consent pages only", async () => {
    const shop = await t.createClient({ name: "Shop", type: "public", redirectUris: [REDIRECT] });
    const other = await t.createClient({ name: "Other app", type: "public", redirectUris: [REDIRECT] });
    const set = await a.call("PUT", `/api/v1/admin/clients/${shop.clientId}/branding`, a.admin.token, {
      displayName: "Shop Deluxe",
      primaryColor: "#aa2200",
    });
    expect(set.status).toBe(200);
    const logo = png("shop");
    expect((await putLogo(`/api/v1/admin/clients/${shop.clientId}/branding/logo`, logo)).status).toBe(200);
    expect((await a.call("GET", "/api/v1/admin/clients/no-such-client/branding", a.admin.token)).status).toBe(404);
    expect(
      (await a.call("PUT", `/api/v1/admin/clients/${shop.clientId}/branding`, a.admin.token, { primaryColor: "blue" })).body.code,
    ).toBe("request.invalid");

    const shopPage = await signInPageOf(shop.clientId);
    expect(shopPage.status).toBe(200);
    expect(shopPage.html).toContain("Shop Deluxe");
    expect(shopPage.html).toContain(`src="/brand/logo/${sha(logo)}"`);
    const href = /<link rel="stylesheet" href="(\/brand\/clients\/[^"]+\.css\?v=[0-9a-f]+)">/.exec(shopPage.html)?.[1];
    expect(href).toBeTruthy();
    expect(await (await fetch(`${t.url}${href}`)).text()).toContain("--primary: #aa2200;");

    const otherPage = await signInPageOf(other.clientId);
    expect(otherPage.status).toBe(200);
    expect(otherPage.html).toContain("Other app");
    expect(otherPage.html).not.toContain("Shop Deluxe");
    expect(otherPage.html).not.toContain(sha(logo));
    expect(otherPage.html).not.toContain("/brand/clients/");

    const admin = new TestBrowser(t.url);
    const page = await openAccountPage(admin, t.url, `/admin/clients/${shop.clientId}/branding`, {
      identifier: a.admin.email,
      password: a.admin.password,
    });
    expect(page.status).toBe(200);
    expect(page.html).toContain('value="Shop Deluxe"');
    const saved = await postMultipart(admin, page, "/branding", { displayName: "Shop Classic", removeLogo: "1" });
    expect(saved.status).toBe(200);
    const again = await signInPageOf(shop.clientId);
    expect(again.html).toContain("Shop Classic");
    expect(again.html).not.toContain(sha(logo));

    // the consent page names the client by its display name, in its colours (the page's save above sent an
    // empty colour, which went back to the instance's: set one again)
    expect(
      (await a.call("PUT", `/api/v1/admin/clients/${shop.clientId}/branding`, a.admin.token, { primaryColor: "#aa2200" })).status,
    ).toBe(200);
    const user = await t.createUser();
    const rp = await discover(t.url, shop.clientId, null);
    const url = client.buildAuthorizationUrl(rp, {
      redirect_uri: REDIRECT,
      scope: "openid profile",
      prompt: "consent",
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: "S256",
    });
    const { pages } = await signInThroughPages(new TestBrowser(t.url), url.toString(), REDIRECT, {
      identifier: user.email,
      password: user.password,
    });
    const consent = pages.find((p) => p.html.includes("/confirm"));
    expect(consent?.html).toContain('<span class="client-name">Shop Classic</span>');
    expect(consent?.html).toMatch(/href="\/brand\/clients\/[^"]+\.css\?v=/);
  });
});
