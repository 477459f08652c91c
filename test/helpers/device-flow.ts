// Device approval in tests: a test app with a device policy, an SMTP sink and a relying party; the emailed code
// read from the sink; a sign-in driven through the real pages up to the device code page and on from it
// (consent when asked), with openid-client for the token request; a browser behind a trusted proxy.
import * as client from "openid-client";
import { TestBrowser, type Page } from "./browser.ts";
import type { ReceivedMail } from "./smtp-sink.ts";
import type { Credentials } from "./oidc-flow.ts";
import { authorizationRequest, manualClock, type ManualClock } from "./totp-login.ts";
import { startTestApp, type TestApp } from "./test-app.ts";
import { sequenceRandom } from "./random.ts";
import { startSmtpSink } from "./smtp-sink.ts";
import { discover } from "./oidc-flow.ts";

export const DEVICE_CODE_SUBJECT = "Your Gatehouse sign-in code";
export const FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0";

type Sink = { messages: ReceivedMail[] };

export const DEVICE_REDIRECT = "https://rp.example.test/callback";
/** the device settings of startDeviceEnv (seconds, and emails per user per hour) */
export const DEVICE_SETTINGS = { codeTtl: 300, cooldown: 60, trustedTtl: 90 * 86400, perUser: 4 };

export type DeviceEnv = { t: TestApp; sink: Awaited<ReturnType<typeof startSmtpSink>>; rp: client.Configuration; clock: ManualClock };

/** a Gatehouse with DEVICE_APPROVAL=`policy` on a manual clock, codes from a sequence (never two alike), an SMTP sink and a confidential relying party */
export async function startDeviceEnv(policy: string, extra: Record<string, string> = {}): Promise<DeviceEnv> {
  const clock = manualClock();
  const sink = await startSmtpSink();
  const s = DEVICE_SETTINGS;
  const t = await startTestApp(
    {
      SMTP_URL: sink.url,
      DEVICE_APPROVAL: policy,
      DEVICE_CODE_TTL: String(s.codeTtl),
      DEVICE_CODE_RESEND_COOLDOWN: String(s.cooldown),
      TRUSTED_DEVICE_TTL: String(s.trustedTtl),
      RATE_LIMIT_DEVICE_CODE_PER_USER: String(s.perUser),
      // the manual clock runs ahead of oidc-provider's as tests move it: keep the gate's wait well inside the interaction
      INTERACTION_TTL: "7200",
      ...extra,
    },
    { clock, random: sequenceRandom() },
  );
  const { clientId, clientSecret } = await t.createClient({ name: "Device RP", type: "confidential", redirectUris: [DEVICE_REDIRECT] });
  return { t, sink, clock, rp: await discover(t.url, clientId, clientSecret) };
}

export const auditEvents = (t: TestApp, userId: string, type?: string) =>
  t.app.db.prisma.auditEvent.findMany({ where: { userId, ...(type ? { type } : {}) }, orderBy: { id: "asc" } });
/** the `device` decision of each login.succeeded of the user, in order */
export const deviceDecisions = async (t: TestApp, userId: string) =>
  (await auditEvents(t, userId, "login.succeeded")).map((e) => (e.data as { device?: string }).device);
export const deviceCookie = async (browser: TestBrowser, url: string) =>
  (await browser.jar.getCookies(url)).find((c) => c.key === "gh.device");

/** a browser behind a trusted proxy that says the client is at `ip` */
export class ProxiedBrowser extends TestBrowser {
  constructor(
    origin: string,
    public ip: string,
  ) {
    super(origin, FIREFOX_LINUX);
  }
  override request(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set("x-forwarded-for", this.ip);
    return super.request(url, { ...init, headers });
  }
}

/** how many device code emails `to` has received so far */
export const codeMailCount = (sink: Sink, to: string) =>
  sink.messages.filter((m) => m.subject === DEVICE_CODE_SUBJECT && m.to.includes(to)).length;

/** waits for device code email number `n` (1-based) to `to`; the mail and the code in its text part */
export async function codeMail(sink: Sink, to: string, n: number, ms = 5000): Promise<{ mail: ReceivedMail; code: string }> {
  for (let waited = 0; waited <= ms; waited += 25) {
    const mails = sink.messages.filter((m) => m.subject === DEVICE_CODE_SUBJECT && m.to.includes(to));
    const mail = mails[n - 1];
    if (mail) {
      const code = /^\s+(\d{6})\s*$/m.exec(mail.text)?.[1];
      if (!code) throw new Error(`no code in the email text:\n${mail.text}`);
      return { mail, code };
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`device code email ${n} to ${to} did not arrive within ${ms} ms`);
}

/** consent when asked, until the relying party's redirect (or the page it stopped at) */
export async function throughConsentPage(browser: TestBrowser, page: Page, redirectUri: string): Promise<Page> {
  if (!page.url.startsWith(redirectUri) && page.url.includes("/interaction/") && page.html.includes("/confirm")) {
    return browser.submit(page, "/confirm", {}, { stopAt: redirectUri });
  }
  return page;
}

/** a new authorization request, the password; the page after it (the device code page, or the callback) */
export async function signInToDevicePage(
  rp: client.Configuration,
  browser: TestBrowser,
  redirectUri: string,
  creds: Credentials,
  extra: Record<string, string> = {},
) {
  const req = await authorizationRequest(rp, redirectUri, extra);
  const login = await browser.go(req.url, { stopAt: redirectUri });
  if (!login.html.includes('name="password"'))
    throw new Error(`expected the login page, got ${login.status} ${login.url}\n${login.html.slice(0, 1500)}`);
  const after = await browser.submit(login, "/login", { identifier: creds.identifier, password: creds.password }, { stopAt: redirectUri });
  return { req, page: await throughConsentPage(browser, after, redirectUri) };
}

/** enters the code on the device page and follows on (consent when asked) */
export async function enterDeviceCode(browser: TestBrowser, devicePage: Page, redirectUri: string, code: string): Promise<Page> {
  return throughConsentPage(browser, await browser.submit(devicePage, "/device", { code }, { stopAt: redirectUri }), redirectUri);
}

/** the token request for a callback the relying party received */
export function exchangeCode(rp: client.Configuration, callback: Page, req: { verifier: string; state: string; nonce: string }) {
  if (!new URL(callback.url).searchParams.get("code"))
    throw new Error(`expected the callback, got ${callback.status} ${callback.url}\n${callback.html.slice(0, 1500)}`);
  return client.authorizationCodeGrant(rp, new URL(callback.url), {
    pkceCodeVerifier: req.verifier,
    expectedState: req.state,
    expectedNonce: req.nonce,
    idTokenExpected: true,
  });
}

export const isDevicePage = (page: Page) =>
  /\/interaction\/[\w-]+\/device$/.test(new URL(page.url).pathname) && page.html.includes('name="code"');

/** a fresh user (or the given one) in a fresh Firefox, stopped at the device code page, with the emailed code */
export async function atCodePage(env: DeviceEnv, user?: { id: string; email: string; password: string }) {
  const u = user ?? (await env.t.createUser());
  const browser = new TestBrowser(env.t.url, FIREFOX_LINUX);
  const before = codeMailCount(env.sink, u.email);
  const { req, page } = await signInToDevicePage(env.rp, browser, DEVICE_REDIRECT, { identifier: u.email, password: u.password });
  if (!isDevicePage(page)) throw new Error(`expected the device code page, got ${page.status} ${page.url}\n${page.html.slice(0, 800)}`);
  const { code, mail } = await codeMail(env.sink, u.email, before + 1);
  return { user: u, browser, req, page, code, mail };
}
