// Suspicious-login holds end to end: openid-client as the relying party, the real pages, real mail, and the
// client address chosen with X-Forwarded-For behind TRUST_PROXY (without it the header is ignored and nothing
// fires from 127.0.0.1). A first sign-in from London is recorded; the next from Tokyo is held, the email has
// approve / deny links, the waiting page waits; a link's GET decides nothing; its POST needs the CSRF token;
// approving lets the waiting page go on to the relying party with tokens; denying blocks the login (reset
// suggested, audited); a used link is invalid and changes nothing; past RISK_HOLD_TTL a link is expired.
// Starting over in the same interaction supersedes the earlier hold (its links say "no longer valid"); an
// approved login that stops at the team page is followed there by every reload of the waiting page; hold emails
// are limited per user (RATE_LIMIT_RISK_HOLD_PER_USER: then a 429 and no email).
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import * as client from "openid-client";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser, type Page } from "../helpers/browser.ts";
import { discover, loginWithCode } from "../helpers/oidc-flow.ts";
import { startSmtpSink, type ReceivedMail } from "../helpers/smtp-sink.ts";
import { authorizationRequest, manualClock, passwordStep } from "../helpers/totp-login.ts";
import { exchange, pickTeam, startSignIn, twoTeamUser } from "../helpers/team-flow.ts";

const REDIRECT = "https://rp.example.test/callback";
const LONDON = "81.2.69.142";
const TOKYO = "133.242.0.1";
const SAO_PAULO = "200.160.2.3";
const HOLD_TTL = 900;
const RULES = "new_country,impossible_travel,new_network";

/** a browser behind the test's "proxy": every request says it came from `ip` */
class ForwardedBrowser extends TestBrowser {
  constructor(
    origin: string,
    public ip: string,
  ) {
    super(origin);
  }
  override request(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set("x-forwarded-for", this.ip);
    return super.request(url, { ...init, headers });
  }
}

describe("suspicious-login holds through the pages", () => {
  let t: TestApp;
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  let rp: client.Configuration;
  const clock = manualClock();

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startTestApp({ SMTP_URL: sink.url, TRUST_PROXY: "true", RISK_RULES: RULES, RISK_HOLD_TTL: String(HOLD_TTL) }, { clock });
    const { clientId, clientSecret } = await t.createClient({ name: "Risk RP", type: "confidential", redirectUris: [REDIRECT] });
    rp = await discover(t.url, clientId, clientSecret);
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });

  const events = (userId: string, type: string) => t.app.db.prisma.auditEvent.findMany({ where: { userId, type }, orderBy: { id: "asc" } });
  const locations = (userId: string) => t.app.db.prisma.loginLocation.findMany({ where: { userId }, orderBy: { id: "asc" } });
  const holdMail = (to: string) => sink.waitFor((m) => m.to.includes(to) && m.subject === "Was this you signing in to Gatehouse?");
  const linksIn = (mail: ReceivedMail) => {
    const all = [...mail.text.matchAll(/https?:\/\/\S+\/login-holds\/[\w-]+/g)].map((m) => m[0]);
    return { approve: all[0]!, deny: all[1]! };
  };

  /** a user whose first sign-in (from London) is on record */
  async function userSeenInLondon() {
    const user = await t.createUser();
    const { tokens } = await loginWithCode(rp, new ForwardedBrowser(t.url, LONDON), REDIRECT, {
      identifier: user.email,
      password: user.password,
    });
    expect(tokens.claims()!.sub).toBe(user.id);
    return user;
  }

  /** the password from `ip`: the waiting page, the email, the authorization request */
  async function heldSignIn(user: { email: string; password: string }, ip: string) {
    const browser = new ForwardedBrowser(t.url, ip);
    const req = await authorizationRequest(rp, REDIRECT);
    const waiting = await passwordStep(browser, req.url, REDIRECT, { identifier: user.email, password: user.password });
    const mail = await holdMail(user.email);
    return { browser, req, waiting, mail, ...linksIn(mail) };
  }

  /** the waiting page opened again (what its refresh does), followed to the relying party or a page */
  const refresh = (browser: TestBrowser, waiting: Page) => browser.go(waiting.url, { stopAt: REDIRECT });

  it("London is recorded; Tokyo next is held with a waiting page and an email with both links; approving goes on to the RP", async () => {
    const user = await userSeenInLondon();
    const first = await locations(user.id);
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ ip: LONDON, network: "81.2.69.0/24", countryCode: "GB" });
    expect((await events(user.id, "login.succeeded"))[0]!.data).toMatchObject({ risk: "allow" });

    const { browser, req, waiting, mail, approve, deny } = await heldSignIn(user, TOKYO);
    // the waiting page: same card as the code page, masked address, a refresh without JavaScript
    expect(waiting.status).toBe(200);
    expect(waiting.url).toMatch(/\/interaction\/[\w-]+\/hold$/);
    expect(waiting.html).toContain('<h1 id="hold-heading">Check your email</h1>');
    expect(waiting.html).toContain(`we sent a message to <strong>${user.email.slice(0, 2)}***@example.test</strong> to confirm it`);
    expect(waiting.html).not.toContain(user.email);
    expect(waiting.html).toMatch(/<meta http-equiv="refresh" content="5">/);
    expect(waiting.html).toContain('<script src="/static/js/login-hold.js" defer></script>');
    expect(waiting.headers.get("content-security-policy")).toContain("script-src 'self'");

    // the email: why, from where, both links (text and HTML)
    expect(mail.text).toContain("\n- a sign-in from a country you have not signed in from before (Japan)\n");
    expect(mail.text).toContain(`\n${approve}\n`);
    expect(mail.text).toMatch(/faster than anyone can travel/);
    expect(mail.text).toContain(`The sign-in came from ${TOKYO} (Chiyoda City, Japan, approximately)`);
    expect(approve).toMatch(new RegExp(`^${t.url}/login-holds/[\\w-]{43}$`));
    expect(deny).not.toBe(approve);
    expect(mail.html).toContain(`href="${approve}"`);
    expect(mail.html).toContain(`href="${deny}"`);
    expect(mail.html).toContain("Yes, it was me");
    const held = await events(user.id, "login.held");
    expect(held).toHaveLength(1);
    // capped by the interaction's own lifetime (INTERACTION_TTL 600 < RISK_HOLD_TTL 900); the manual clock runs
    // a few seconds behind oidc-provider's real one, hence the margin
    const ttlSeconds = (held[0]!.data as { ttlSeconds: number }).ttlSeconds;
    expect(ttlSeconds).toBeGreaterThan(500);
    expect(ttlSeconds).toBeLessThanOrEqual(600 + (Math.floor(Date.now() / 1000) - clock.epoch()));
    expect(mail.text).toMatch(/the links work once, for 1\d minutes/);
    expect((held[0]!.data as { rules: string[] }).rules).toEqual(["new_country", "impossible_travel", "new_network"]);
    expect((await events(user.id, "login.risk_evaluated")).at(-1)!.data).toMatchObject({ decision: "hold" });

    // the link's GET (a mail scanner, or the owner on their phone) shows the sign-in and decides nothing
    const phone = new ForwardedBrowser(t.url, LONDON);
    const confirm = await phone.go(approve);
    expect(confirm.status).toBe(200);
    expect(confirm.headers.get("referrer-policy")).toBe("no-referrer");
    expect(confirm.html).toContain("Approve this sign-in?");
    expect(confirm.html).toContain("Risk RP");
    expect(confirm.html).toContain(`Chiyoda City, Japan (approximately), ${TOKYO}`);
    expect(confirm.html).toContain("Yes, it was me: approve");
    const stillWaiting = await refresh(browser, waiting);
    expect(stillWaiting.status).toBe(200);
    expect(stillWaiting.html).toContain("Check your email");
    expect(await events(user.id, "login.hold_approved")).toHaveLength(0);

    // the POST, as a browser on a no-referrer page sends it (Origin: null)
    const decided = await phone.submit(confirm, "/login-holds/", {}, { origin: "null" });
    expect(decided.status).toBe(200);
    expect(decided.html).toContain("Sign-in approved");

    // the waiting page goes on (a second reload before the browser followed the first, as the meta refresh and
    // the script may do, goes to the same place: it is not told to start again), then consent, then the relying
    // party with tokens. This user has one team, so the login goes straight to oidc-provider; a login that stops
    // at a later step (the team page) is the multi-team test below
    const reloads = [await browser.request(waiting.url), await browser.request(waiting.url)];
    expect(reloads.map((r) => r.status)).toEqual([303, 303]);
    expect(reloads[0]!.headers.get("location")).toBe(reloads[1]!.headers.get("location"));
    let page = await browser.go(new URL(reloads[0]!.headers.get("location")!, t.url).toString(), { stopAt: REDIRECT });
    if (!page.url.startsWith(REDIRECT) && page.html.includes("/confirm"))
      page = await browser.submit(page, "/confirm", {}, { stopAt: REDIRECT });
    expect(page.url.startsWith(REDIRECT)).toBe(true);
    const tokens = await client.authorizationCodeGrant(rp, new URL(page.url), {
      pkceCodeVerifier: req.verifier,
      expectedState: req.state,
      expectedNonce: req.nonce,
      idTokenExpected: true,
    });
    expect(tokens.claims()!.sub).toBe(user.id);

    const succeeded = await events(user.id, "login.succeeded");
    expect(succeeded).toHaveLength(2);
    expect(succeeded[1]!.data).toMatchObject({ risk: "approved", riskRules: ["new_country", "impossible_travel", "new_network"] });
    expect((await events(user.id, "login.hold_approved"))[0]!.data).toMatchObject({
      rules: ["new_country", "impossible_travel", "new_network"],
    });
    // the approved sign-in is on record too: Tokyo counts as known from now on
    expect((await locations(user.id)).map((l) => l.ip)).toEqual([LONDON, TOKYO]);

    // both links are used up now: one clear page, nothing changes
    for (const link of [approve, deny]) {
      const again = await phone.go(link);
      expect(again.status).toBe(400);
      expect(again.html).toContain("This link is no longer valid");
      expect(again.html).not.toContain("<form");
    }
    const replay = await phone.submit(confirm, "/login-holds/", {}, { origin: "null" });
    expect(replay.status).toBe(400);
    expect(replay.html).toContain("This link is no longer valid");
    expect(await events(user.id, "login.hold_approved")).toHaveLength(1);
    expect(await events(user.id, "login.hold_denied")).toHaveLength(0);
  });

  it("deny: the waiting page shows 'blocked' with the reset suggestion, it is audited, and the login cannot go on", async () => {
    const user = await userSeenInLondon();
    const { browser, waiting, deny, approve } = await heldSignIn(user, SAO_PAULO);
    const phone = new TestBrowser(t.url);
    const confirm = await phone.go(deny);
    expect(confirm.html).toContain("Block this sign-in?");
    const decided = await phone.submit(confirm, "/login-holds/", {});
    expect(decided.status).toBe(200);
    expect(decided.html).toContain("Sign-in blocked");
    expect(decided.html).toContain('href="/forgot-password"');

    const blocked = await refresh(browser, waiting);
    expect(blocked.status).toBe(403);
    expect(blocked.html).toContain("This sign-in was blocked");
    expect(blocked.html).toMatch(/<a class="btn btn-primary" href="\/forgot-password">Reset your password<\/a>/);
    expect(await events(user.id, "login.hold_denied")).toHaveLength(1);
    expect((await events(user.id, "login.failed")).at(-1)!.data).toMatchObject({ reason: "hold_denied" });

    // nothing lets it go on: the waiting page is over, the approve link is dead
    const after = await refresh(browser, waiting);
    expect(after.status).toBe(400);
    expect(after.html).toContain("Start again");
    expect((await phone.go(approve)).status).toBe(400);
    expect(await events(user.id, "login.succeeded")).toHaveLength(1);
    expect((await locations(user.id)).map((l) => l.ip)).toEqual([LONDON]);
  });

  it("a link's POST without the CSRF token, or from another site, is refused with 403 and decides nothing", async () => {
    const user = await userSeenInLondon();
    const { browser, waiting, approve } = await heldSignIn(user, TOKYO);
    const phone = new TestBrowser(t.url);
    const confirm = await phone.go(approve);
    const noToken = await phone.request(approve, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: "null" },
      body: "",
    });
    expect(noToken.status).toBe(403);
    const foreign = await phone.submit(confirm, "/login-holds/", {}, { origin: "https://evil.example" });
    expect(foreign.status).toBe(403);
    const crossSite = await phone.request(approve, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: "null", "sec-fetch-site": "cross-site" },
      body: new URLSearchParams({ _csrf: /name="_csrf" value="([^"]+)"/.exec(confirm.html)![1]! }).toString(),
    });
    expect(crossSite.status).toBe(403);
    expect((await refresh(browser, waiting)).html).toContain("Check your email");
    expect(await events(user.id, "login.hold_approved")).toHaveLength(0);
    // the link still works afterwards
    expect((await phone.submit(confirm, "/login-holds/", {}, { origin: "null" })).html).toContain("Sign-in approved");
  });

  it("malformed and unknown links get the same 'no longer valid' page", async () => {
    const phone = new TestBrowser(t.url);
    for (const path of ["/login-holds/short", `/login-holds/${"a".repeat(43)}`]) {
      const page = await phone.go(`${t.url}${path}`);
      expect(page.status).toBe(400);
      expect(page.html).toContain("This link is no longer valid");
    }
  });

  it("starting over in the same interaction supersedes the earlier hold: its links are no longer valid and decide nothing", async () => {
    const user = await userSeenInLondon();
    const first = await heldSignIn(user, TOKYO);
    const phone = new ForwardedBrowser(t.url, LONDON);
    const oldConfirm = await phone.go(first.deny);
    expect(oldConfirm.html).toContain("Block this sign-in?");

    // "start over" on the waiting page, the password again: a new hold, a new email
    const again = await first.browser.go(`${first.waiting.url.replace(/\/hold$/, "")}`, { stopAt: REDIRECT });
    expect(again.html).toContain('name="password"');
    const waiting = await first.browser.submit(again, "/login", { identifier: user.email, password: user.password }, { stopAt: REDIRECT });
    expect(waiting.url).toBe(first.waiting.url);
    expect(waiting.html).toContain("Check your email");
    const mails = () => sink.messages.filter((m) => m.to.includes(user.email) && m.subject === "Was this you signing in to Gatehouse?");
    await sink.waitFor(() => mails().length === 2);
    const second = linksIn(mails()[1]!);
    expect(second.approve).not.toBe(first.approve);

    // the earlier links: one clear page, and their POST (with a valid form token) changes nothing
    for (const link of [first.approve, first.deny]) {
      const old = await phone.go(link);
      expect(old.status).toBe(400);
      expect(old.html).toContain("This link is no longer valid");
      expect(old.html).not.toContain("<form");
    }
    const oldPost = await phone.submit(oldConfirm, "/login-holds/", {}, { origin: "null" });
    expect(oldPost.status).toBe(400);
    expect(oldPost.html).toContain("This link is no longer valid");
    expect(await events(user.id, "login.hold_denied")).toHaveLength(0);
    const superseded = await events(user.id, "login.hold_superseded");
    expect(superseded).toHaveLength(1);
    const held = await events(user.id, "login.held");
    expect(held).toHaveLength(2);
    expect((superseded[0]!.data as { holdId: string }).holdId).toBe((held[0]!.data as { holdId: string }).holdId);
    expect((await refresh(first.browser, waiting)).html).toContain("Check your email");

    // the new hold's approve link lets the login go on
    const confirm = await phone.go(second.approve);
    expect((await phone.submit(confirm, "/login-holds/", {}, { origin: "null" })).html).toContain("Sign-in approved");
    let page = await refresh(first.browser, waiting);
    if (!page.url.startsWith(REDIRECT) && page.html.includes("/confirm"))
      page = await first.browser.submit(page, "/confirm", {}, { stopAt: REDIRECT });
    expect(page.url.startsWith(REDIRECT)).toBe(true);
    const tokens = await client.authorizationCodeGrant(rp, new URL(page.url), {
      pkceCodeVerifier: first.req.verifier,
      expectedState: first.req.state,
      expectedNonce: first.req.nonce,
      idTokenExpected: true,
    });
    expect(tokens.claims()!.sub).toBe(user.id);
  });

  it("starting over and signing in unheld (now from London) also ends the earlier hold's links", async () => {
    const user = await userSeenInLondon();
    const first = await heldSignIn(user, TOKYO);
    first.browser.ip = LONDON;
    const again = await first.browser.go(first.waiting.url.replace(/\/hold$/, ""), { stopAt: REDIRECT });
    let page = await first.browser.submit(again, "/login", { identifier: user.email, password: user.password }, { stopAt: REDIRECT });
    if (!page.url.startsWith(REDIRECT) && page.html.includes("/confirm"))
      page = await first.browser.submit(page, "/confirm", {}, { stopAt: REDIRECT });
    expect(page.url.startsWith(REDIRECT)).toBe(true);
    const phone = new TestBrowser(t.url);
    for (const link of [first.approve, first.deny]) expect((await phone.go(link)).html).toContain("This link is no longer valid");
    expect(await events(user.id, "login.hold_superseded")).toHaveLength(1);
  });

  it("a multi-team user's approved login goes on to the team page, and every reload of the waiting page goes there too", async () => {
    const { user, own, other } = await twoTeamUser(t);
    const london = new ForwardedBrowser(t.url, LONDON);
    const firstSignIn = await startSignIn(rp, london, REDIRECT, { identifier: user.email, password: user.password });
    const callback = await pickTeam(london, firstSignIn.page, own.id, REDIRECT);
    expect((await exchange(rp, callback, firstSignIn.req)).claims()!.sub).toBe(user.id);

    const browser = new ForwardedBrowser(t.url, TOKYO);
    const req = await authorizationRequest(rp, REDIRECT, { scope: "openid offline_access roles", prompt: "consent" });
    const waiting = await passwordStep(browser, req.url, REDIRECT, { identifier: user.email, password: user.password });
    expect(waiting.url).toMatch(/\/hold$/);
    const { approve } = linksIn(await holdMail(user.email));
    const phone = new ForwardedBrowser(t.url, LONDON);
    expect((await phone.submit(await phone.go(approve), "/login-holds/", {}, { origin: "null" })).html).toContain("Sign-in approved");

    const teamUrl = waiting.url.replace(/\/hold$/, "/team");
    // the first reload passes the hold and stops at the team step; the next ones (a refresh that came late, the
    // user's own reload) are sent to the team page, not told to start again; the status endpoint says "moved"
    for (let i = 0; i < 3; i++) {
      const reload = await browser.request(waiting.url);
      expect(reload.status).toBe(303);
      expect(new URL(reload.headers.get("location")!, t.url).toString()).toBe(teamUrl);
    }
    const status = await browser.request(`${waiting.url}/status`, { headers: { accept: "application/json" } });
    expect(await status.json()).toEqual({ status: "moved" });
    const teamPage = await browser.go(waiting.url, { stopAt: REDIRECT });
    expect(teamPage.url).toBe(teamUrl);
    expect(teamPage.html).toContain('name="team"');
    const done = await pickTeam(browser, teamPage, other.id, REDIRECT);
    expect((await exchange(rp, done, req)).claims()!.sub).toBe(user.id);
    expect((await events(user.id, "login.succeeded")).at(-1)!.data).toMatchObject({ risk: "approved" });
  });

  it("past RISK_HOLD_TTL a link is expired (410) and the waiting login must start again; the expiry is audited", async () => {
    const user = await userSeenInLondon();
    const { browser, waiting, approve } = await heldSignIn(user, TOKYO);
    const phone = new TestBrowser(t.url);
    const confirm = await phone.go(approve);
    clock.advance(HOLD_TTL);
    try {
      const late = await phone.go(approve);
      expect(late.status).toBe(410);
      expect(late.html).toContain("This link is no longer valid");
      expect(late.html).toContain("This link has expired.");
      const latePost = await phone.submit(confirm, "/login-holds/", {}, { origin: "null" });
      expect(latePost.status).toBe(410);
      const waited = await refresh(browser, waiting);
      expect(waited.status).toBe(400);
      expect(waited.html).toContain("Start again");
      expect(await events(user.id, "login.hold_expired")).toHaveLength(1);
      expect(await events(user.id, "login.hold_approved")).toHaveLength(0);
      expect(await events(user.id, "login.succeeded")).toHaveLength(1);
    } finally {
      clock.advance(-HOLD_TTL);
    }
  });
});

describe("the per-user limit on hold emails", () => {
  let t: TestApp;
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  let rp: client.Configuration;
  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startTestApp({ SMTP_URL: sink.url, TRUST_PROXY: "true", RISK_RULES: RULES, RATE_LIMIT_RISK_HOLD_PER_USER: "2" });
    const { clientId, clientSecret } = await t.createClient({ name: "Risk RP", type: "confidential", redirectUris: [REDIRECT] });
    rp = await discover(t.url, clientId, clientSecret);
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });

  const holdMails = (email: string) =>
    sink.messages.filter((m) => m.to.includes(email) && m.subject === "Was this you signing in to Gatehouse?");
  const count = (userId: string, type: string) => t.app.db.prisma.auditEvent.count({ where: { userId, type } });

  it("sign-ins that are not held spend nothing; past the limit the password gets a clear 429, no hold and no email", async () => {
    const user = await t.createUser();
    // three unheld sign-ins from London (the first is the baseline): the limit of 2 is not touched
    for (let i = 0; i < 3; i++)
      await loginWithCode(rp, new ForwardedBrowser(t.url, LONDON), REDIRECT, { identifier: user.email, password: user.password });
    const browser = new ForwardedBrowser(t.url, TOKYO);
    const req = await authorizationRequest(rp, REDIRECT);
    // held twice: once, then "start over" in the same interaction
    const waiting = await passwordStep(browser, req.url, REDIRECT, { identifier: user.email, password: user.password });
    expect(waiting.html).toContain("Check your email");
    const startOver = waiting.url.replace(/\/hold$/, "");
    const again = await browser.go(startOver, { stopAt: REDIRECT });
    expect(
      (await browser.submit(again, "/login", { identifier: user.email, password: user.password }, { stopAt: REDIRECT })).html,
    ).toContain("Check your email");
    await sink.waitFor(() => holdMails(user.email).length === 2);

    // the third: refused before anything is held or sent
    const third = await browser.go(startOver, { stopAt: REDIRECT });
    const refused = await browser.submit(third, "/login", { identifier: user.email, password: user.password }, { stopAt: REDIRECT });
    expect(refused.status).toBe(429);
    expect(refused.html).toContain("Too many sign-in confirmation emails for this account. Please wait");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(3000);
    // a fresh authorization request is refused the same way
    const fresh = await passwordStep(new ForwardedBrowser(t.url, TOKYO), (await authorizationRequest(rp, REDIRECT)).url, REDIRECT, {
      identifier: user.email,
      password: user.password,
    });
    expect(fresh.status).toBe(429);
    expect(await count(user.id, "login.held")).toBe(2);
    expect(
      await t.app.db.prisma.auditEvent.count({
        where: { userId: user.id, type: "login.failed", data: { path: ["reason"], equals: "hold_email_limit" } },
      }),
    ).toBe(2);
    // the sink got nothing more (a later mail to this user would have arrived by the time another user's does)
    const other = await t.createUser();
    await loginWithCode(rp, new ForwardedBrowser(t.url, LONDON), REDIRECT, { identifier: other.email, password: other.password });
    await passwordStep(new ForwardedBrowser(t.url, TOKYO), (await authorizationRequest(rp, REDIRECT)).url, REDIRECT, {
      identifier: other.email,
      password: other.password,
    });
    await sink.waitFor((m) => m.to.includes(other.email));
    expect(holdMails(user.email)).toHaveLength(2);
    // the limit is per user: the other user's hold was emailed
    expect(await count(other.id, "login.held")).toBe(1);
  });
});

describe("without TRUST_PROXY", () => {
  let t: TestApp;
  let rp: client.Configuration;
  beforeAll(async () => {
    t = await startTestApp({ RISK_RULES: RULES, RATE_LIMIT_RISK_LINK_PER_IP: "3" });
    const { clientId, clientSecret } = await t.createClient({ name: "Risk RP", type: "confidential", redirectUris: [REDIRECT] });
    rp = await discover(t.url, clientId, clientSecret);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("X-Forwarded-For is ignored: both sign-ins are from 127.0.0.1, an unknown location, and nothing is held", async () => {
    const user = await t.createUser();
    await loginWithCode(rp, new ForwardedBrowser(t.url, LONDON), REDIRECT, { identifier: user.email, password: user.password });
    const { tokens } = await loginWithCode(rp, new ForwardedBrowser(t.url, TOKYO), REDIRECT, {
      identifier: user.email,
      password: user.password,
    });
    expect(tokens.claims()!.sub).toBe(user.id);
    const rows = await t.app.db.prisma.loginLocation.findMany({ where: { userId: user.id } });
    expect(rows.map((r) => [r.ip, r.countryCode])).toEqual([
      ["127.0.0.1", null],
      ["127.0.0.1", null],
    ]);
    const evaluated = await t.app.db.prisma.auditEvent.findMany({ where: { userId: user.id, type: "login.risk_evaluated" } });
    expect(evaluated.map((e) => (e.data as { decision: string }).decision)).toEqual(["allow", "allow"]);
    expect(await t.app.db.prisma.auditEvent.count({ where: { userId: user.id, type: "login.held" } })).toBe(0);
  });

  it("the links are rate limited per IP (429)", async () => {
    const phone = new TestBrowser(t.url);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await phone.go(`${t.url}/login-holds/${"b".repeat(43)}`)).status);
    expect(statuses).toEqual([400, 400, 400, 429]);
  });
});
