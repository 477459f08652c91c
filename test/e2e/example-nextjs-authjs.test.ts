// examples/nextjs-authjs against a live Gatehouse: the Next.js app (App Router, Auth.js / next-auth v5) runs as
// `next start` in its own process, its sign-in button (a server action, posted as a browser without JavaScript
// posts it) sends the browser to Gatehouse with PKCE, state and nonce, the user signs in through the real pages
// (password, team), Auth.js exchanges the code, checks the ID token, reads userinfo and keeps the user in its
// encrypted JWT session cookie, and the page shows name, email, team and role. Sign-out ends the Auth.js session and then Gatehouse's
// (RP-initiated logout). The example's dependencies are installed and it is built when needed
// (test/helpers/nextjs-example.ts): the first run takes a minute or two, later ones reuse the build.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { randomBytes } from "node:crypto";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser, type Page } from "../helpers/browser.ts";
import { signInThroughPages } from "../helpers/oidc-flow.ts";
import { teamWithMembers } from "../helpers/team-flow.ts";
import { prepareNextjsExample, startNextjsExample, type RunningExample } from "../helpers/nextjs-example.ts";

const SESSION_COOKIE = "authjs.session-token"; // Auth.js's name over plain http (__Secure- prefixed over https)

/** posts the page's server-action form (its hidden $ACTION_ID_ field) as multipart, as a browser without JS does */
function postAction(browser: TestBrowser, page: Page, opts: { origin: string; stopAt?: string }): Promise<Page> {
  const field = /name="(\$ACTION_ID_[0-9a-f]+)"/.exec(page.html)?.[1];
  if (!field) throw new Error(`no server-action form on ${page.url}:\n${page.html.slice(0, 2000)}`);
  const body = new FormData();
  body.set(field, "");
  return browser.go(page.url, {
    init: { method: "POST", body, headers: { origin: opts.origin } },
    ...(opts.stopAt ? { stopAt: opts.stopAt } : {}),
  });
}

/** the text of the element with this id, tags and React's text separators removed */
function text(html: string, id: string): string | undefined {
  const inner = new RegExp(`<dd id="${id}">([\\s\\S]*?)</dd>`).exec(html)?.[1];
  return inner?.replace(/<!-- -->/g, "").replace(/<[^>]+>/g, "");
}

describe("example Next.js + Auth.js relying party (examples/nextjs-authjs)", () => {
  let t: TestApp;
  let rp: RunningExample;
  let callbackUri: string;

  beforeAll(async () => {
    await prepareNextjsExample(); // npm ci and next build when needed: minutes on a fresh clone, nothing later
    t = await startTestApp();
    // the client names the app's address and the app needs the client: the port comes first
    rp = await startNextjsExample(async (url) => {
      callbackUri = `${url}/api/auth/callback/gatehouse`;
      const { clientId, clientSecret } = await t.createClient({
        name: "Example Next.js app",
        type: "confidential",
        redirectUris: [callbackUri],
        postLogoutRedirectUris: [`${url}/`],
        scope: "openid profile email roles",
      });
      return {
        AUTH_URL: url,
        AUTH_SECRET: randomBytes(32).toString("base64url"),
        GATEHOUSE_ISSUER: t.url,
        GATEHOUSE_CLIENT_ID: clientId,
        GATEHOUSE_CLIENT_SECRET: clientSecret!,
      };
    });
  }, 15 * 60_000);
  afterAll(async () => {
    await rp?.stop();
    await t?.close();
  });

  const sessionCookie = async (browser: TestBrowser) => (await browser.jar.getCookies(rp.url)).find((c) => c.key === SESSION_COOKIE);

  it("signs in through Gatehouse with PKCE, state and nonce, shows name, email, team and role, and signs out through Gatehouse", async () => {
    const team = await teamWithMembers(t, "Next", "developer");
    const user = team.members[0]!;
    const browser = new TestBrowser(t.url); // forms on Gatehouse's pages are posted with its origin
    const home = await browser.go(`${rp.url}/`);
    expect(home.html, rp.output()).toContain("Sign in with Gatehouse");

    // the sign-in button: Auth.js sends the browser to Gatehouse's authorization endpoint
    const toGatehouse = await postAction(browser, home, { origin: rp.url, stopAt: t.url });
    expect(toGatehouse.url.startsWith(`${t.url}/`), `${toGatehouse.url}\n${rp.output()}`).toBe(true);
    const asked = new URL(toGatehouse.url).searchParams;
    expect(asked.get("response_type")).toBe("code");
    expect(asked.get("redirect_uri")).toBe(callbackUri);
    expect(asked.get("scope")).toBe("openid profile email roles");
    expect(asked.get("code_challenge_method")).toBe("S256");
    expect(asked.get("code_challenge")).toMatch(/^[\w-]{43}$/);
    expect(asked.get("state")).toBeTruthy();
    expect(asked.get("nonce")).toBeTruthy();

    const { callback } = await signInThroughPages(browser, toGatehouse.url, callbackUri, {
      identifier: user.email,
      password: user.password,
    });
    const page = await browser.go(callback);
    expect(page.url, rp.output()).toBe(`${rp.url}/`);
    expect(text(page.html, "email"), `${page.html}\n${rp.output()}`).toBe(user.email);
    expect(text(page.html, "sub")).toBe(user.id);
    expect(text(page.html, "team")).toBe(`${team.name} (${team.slug})`);
    expect(text(page.html, "role")).toBe("developer");
    expect(page.html).toContain(`<h1>${user.username}</h1>`); // no name set: preferred_username

    // the session is Auth.js's encrypted JWT cookie (a JWE, five parts), HttpOnly and SameSite=Lax; the one-time
    // PKCE, state and nonce cookies are gone
    const cookie = (await sessionCookie(browser))!;
    expect(cookie, (await browser.jar.getCookies(rp.url)).map((c) => c.key).join(", ")).toBeDefined();
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe("lax");
    expect(cookie.value.split(".")).toHaveLength(5);
    expect(cookie.value).not.toContain(Buffer.from(user.email).toString("base64url").slice(0, 12));
    const left = (await browser.jar.getCookies(rp.url)).map((c) => c.key);
    expect(left.filter((k) => /pkce|state|nonce/.test(k))).toEqual([]);
    // what the page's scripts could read: the user, no tokens
    const session = (await (await browser.request(`${rp.url}/api/auth/session`, { headers: { accept: "application/json" } })).json()) as {
      user: unknown;
    };
    expect(session.user).toMatchObject({ email: user.email, id: user.id, role: "developer", team: { slug: team.slug } });
    expect(JSON.stringify(session)).not.toMatch(/eyJ|idToken|id_token/);

    // a server action posted from another origin is refused by Next.js: still signed in, no trip to Gatehouse
    const forged = await postAction(browser, page, { origin: "http://attacker.example", stopAt: t.url });
    expect(forged.url.startsWith(t.url)).toBe(false);
    expect(forged.status).toBeGreaterThanOrEqual(400);
    expect(text((await browser.go(`${rp.url}/`)).html, "email")).toBe(user.email);

    // sign out: the Auth.js cookie goes, Gatehouse asks to confirm, then returns to the app's post-logout URI
    const toEndSession = await postAction(browser, page, { origin: rp.url, stopAt: t.url });
    expect(toEndSession.url.startsWith(`${t.url}/`), `${toEndSession.url}\n${rp.output()}`).toBe(true);
    expect(new URL(toEndSession.url).searchParams.get("id_token_hint")).toMatch(/^eyJ/);
    expect(await sessionCookie(browser)).toBeUndefined();
    const confirm = await browser.go(toEndSession.url, { stopAt: `${rp.url}/` });
    const out = confirm.url.startsWith(`${rp.url}/`)
      ? confirm
      : await browser.submit(confirm, "/session/end/confirm", { logout: "yes" }, { stopAt: `${rp.url}/` });
    expect(out.url).toBe(`${rp.url}/`);
    expect((await browser.go(`${rp.url}/`)).html).toContain("Sign in with Gatehouse");
    expect((await t.app.services.oidcStore.endUserSessions(user.id)).ended).toHaveLength(0); // already ended by the logout
  }, 60_000);

  it("refuses a callback whose state does not match the sign-in in progress, and a replayed one", async () => {
    const team = await teamWithMembers(t, "Nextreplay", "manager");
    const user = team.members[0]!;
    const browser = new TestBrowser(t.url);
    const toGatehouse = await postAction(browser, await browser.go(`${rp.url}/`), { origin: rp.url, stopAt: t.url });
    expect(toGatehouse.url.startsWith(`${t.url}/`)).toBe(true);
    const forged = await browser.go(`${callbackUri}?code=abc&state=not-the-one&iss=${encodeURIComponent(t.url)}`);
    expect(forged.url, rp.output()).toMatch(new RegExp(`^${rp.url}/api/auth/error\\?error=`));
    expect(await sessionCookie(browser)).toBeUndefined();

    // a fresh sign-in works; its callback used twice is refused the second time (the state cookie was used up)
    const again = await postAction(browser, await browser.go(`${rp.url}/`), { origin: rp.url, stopAt: t.url });
    const { callback } = await signInThroughPages(browser, again.url, callbackUri, { identifier: user.email, password: user.password });
    expect(text((await browser.go(callback)).html, "role")).toBe("manager");
    const session = (await sessionCookie(browser))!.value;
    expect((await browser.go(callback)).url).toMatch(new RegExp(`^${rp.url}/api/auth/error\\?error=`));
    expect((await sessionCookie(browser))!.value).toBe(session); // the session it had, no new one
    const stolen = new TestBrowser(t.url); // another browser with the callback URL but not the PKCE/state cookies
    expect((await stolen.go(callback)).url).toMatch(new RegExp(`^${rp.url}/api/auth/error\\?error=`));
    expect(await sessionCookie(stolen)).toBeUndefined();
  }, 60_000);
});
