// Device approval in tests: the emailed code read from the SMTP sink (the newest for an address), and a sign-in
// driven through the real pages up to the device code page and on from it (consent when asked), with
// openid-client for the token request.
import * as client from "openid-client";
import { TestBrowser, type Page } from "./browser.ts";
import type { ReceivedMail } from "./smtp-sink.ts";
import type { Credentials } from "./oidc-flow.ts";
import { authorizationRequest } from "./totp-login.ts";

export const DEVICE_CODE_SUBJECT = "Your Gatehouse sign-in code";
export const FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0";

type Sink = { messages: ReceivedMail[] };

/** how many device code emails `to` has received so far */
export const codeMailCount = (sink: Sink, to: string) => sink.messages.filter((m) => m.subject === DEVICE_CODE_SUBJECT && m.to.includes(to)).length;

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
export async function signInToDevicePage(rp: client.Configuration, browser: TestBrowser, redirectUri: string, creds: Credentials, extra: Record<string, string> = {}) {
  const req = await authorizationRequest(rp, redirectUri, extra);
  const login = await browser.go(req.url, { stopAt: redirectUri });
  if (!login.html.includes('name="password"')) throw new Error(`expected the login page, got ${login.status} ${login.url}\n${login.html.slice(0, 1500)}`);
  const after = await browser.submit(login, "/login", { identifier: creds.identifier, password: creds.password }, { stopAt: redirectUri });
  return { req, page: await throughConsentPage(browser, after, redirectUri) };
}

/** enters the code on the device page and follows on (consent when asked) */
export async function enterDeviceCode(browser: TestBrowser, devicePage: Page, redirectUri: string, code: string): Promise<Page> {
  return throughConsentPage(browser, await browser.submit(devicePage, "/device", { code }, { stopAt: redirectUri }), redirectUri);
}

/** the token request for a callback the relying party received */
export function exchangeCode(rp: client.Configuration, callback: Page, req: { verifier: string; state: string; nonce: string }) {
  if (!new URL(callback.url).searchParams.get("code")) throw new Error(`expected the callback, got ${callback.status} ${callback.url}\n${callback.html.slice(0, 1500)}`);
  return client.authorizationCodeGrant(rp, new URL(callback.url), { pkceCodeVerifier: req.verifier, expectedState: req.state, expectedNonce: req.nonce, idTokenExpected: true });
}

export const isDevicePage = (page: Page) => /\/interaction\/[\w-]+\/device$/.test(new URL(page.url).pathname) && page.html.includes('name="code"');
