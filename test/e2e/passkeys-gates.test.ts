// A passkey sign-in still passes the gates: under DEVICE_APPROVAL=without-2fa it counts as the second factor
// held at hand (like a TOTP code: no emailed code, the browser becomes trusted, device.trusted says how=passkey);
// under always the emailed code is still asked. Software authenticator over HTTP (test/helpers/soft-authenticator.ts).
import { describe, it, expect, afterAll } from "vitest";
import * as client from "openid-client";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { startSmtpSink } from "../helpers/smtp-sink.ts";
import { discover } from "../helpers/oidc-flow.ts";
import { TestBrowser, parseForms, type Page } from "../helpers/browser.ts";
import { SoftAuthenticator } from "../helpers/soft-authenticator.ts";

const REDIRECT = "https://rp.example.test/cb";

describe("passkey sign-ins and the device gate", { timeout: 90_000 }, () => {
  const apps: TestApp[] = [];
  const sink = startSmtpSink();
  afterAll(async () => {
    await Promise.all(apps.map((t) => t.close()));
    await (await sink).close();
  });

  async function setUp(policy: "without-2fa" | "always") {
    const t = await startTestApp({ SMTP_URL: (await sink).url, DEVICE_APPROVAL: policy }, { hostname: "localhost" });
    apps.push(t);
    const { clientId, clientSecret } = await t.createClient({
      name: "Acme Notes",
      type: "confidential",
      redirectUris: [REDIRECT],
      firstParty: true,
    });
    const rp = await discover(t.url, clientId, clientSecret);
    const user = await t.createUser();
    // registered through the service as the account page does (the page itself: passkeys-protocol.test.ts)
    const auth = new SoftAuthenticator({ origin: t.url, rpId: "localhost" }, { attachment: "platform", transports: ["internal"] });
    const account = (await t.app.queries.users.findById(user.id))!;
    const options = await t.app.services.passkeys.registration.begin(account, "session-1", "Laptop");
    const added = await t.app.services.passkeys.registration.finish(account, "session-1", JSON.stringify(auth.create(options)), {
      ip: null,
      userAgent: null,
    });
    expect(added.outcome).toBe("added");
    return { t, rp, user, auth };
  }

  async function passkeySignIn(
    t: TestApp,
    rp: client.Configuration,
    auth: SoftAuthenticator,
  ): Promise<{ browser: TestBrowser; page: Page }> {
    const browser = new TestBrowser(t.url);
    const url = client.buildAuthorizationUrl(rp, {
      redirect_uri: REDIRECT,
      scope: "openid",
      state: client.randomState(),
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: "S256",
    });
    const start = await browser.go(url.toString());
    const uid = /\/interaction\/([\w-]+)/.exec(start.url)![1]!;
    const csrf = parseForms(start.html, start.url).find((f) => f.action.includes("/passkey"))!.fields._csrf;
    const res = await browser.request(`${t.url}/interaction/${uid}/passkey/options`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json", origin: t.url },
      body: JSON.stringify({ _csrf: csrf, factor: "first" }),
    });
    const options = (await res.json()) as { challenge: string };
    const page = await browser.submit(start, "/passkey", { response: JSON.stringify(auth.get(options)) }, { stopAt: REDIRECT });
    return { browser, page };
  }

  it("without-2fa: the passkey passes the device gate and trusts the browser (no code emailed)", async () => {
    const { t, rp, user, auth } = await setUp("without-2fa");
    const { page } = await passkeySignIn(t, rp, auth);
    expect(page.url.startsWith(REDIRECT)).toBe(true);
    const trusted = await t.app.db.prisma.auditEvent.findFirst({ where: { userId: user.id, type: "device.trusted" } });
    expect(trusted?.data).toMatchObject({ how: "passkey" });
    const succeeded = await t.app.db.prisma.auditEvent.findFirst({ where: { userId: user.id, type: "login.succeeded" } });
    expect(succeeded?.data).toMatchObject({ device: "passkey", method: "passkey" });
    expect((await sink).messages.filter((m) => m.to.includes(user.email) && m.subject === "Your Gatehouse sign-in code")).toEqual([]);
  });

  it("always: the emailed device code is still asked after a passkey", async () => {
    const { t, rp, user, auth } = await setUp("always");
    const { page } = await passkeySignIn(t, rp, auth);
    expect(page.url).toMatch(/\/interaction\/[\w-]+\/device$/);
    await (await sink).waitFor((m) => m.to.includes(user.email) && m.subject === "Your Gatehouse sign-in code");
  });
});
