// #17's small ends of enterprise SSO, end to end with real peers on loopback (a DNS server for the domain's TXT
// record, a second oidc-provider as the company IdP, openid-client as the relying party, a loopback webhook
// receiver): the authorization request's login_hint pre-fills the sign-in page's identifier (escaped; overlong or
// odd hints ignored) and, for an address whose domain a team routed to its provider, makes "Continue with single
// sign-on" the primary button without redirecting; the just-in-time membership of a sign-in through that
// provider is delivered as the webhook team.member_added, and a role change from the groups as
// team.member_role_changed, like the other ways in.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import * as client from "openid-client";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser } from "../helpers/browser.ts";
import { discover } from "../helpers/oidc-flow.ts";
import { startUpstreamIdp, type UpstreamIdp } from "../helpers/upstream-idp.ts";
import { startDnsServer, type DnsServer } from "../helpers/dns-server.ts";
import { setUpAdminApi } from "../helpers/api.ts";
import { createTeam, type TestTeam } from "../helpers/team-flow.ts";

const REDIRECT = "https://rp.example.test/cb";
const REQUEST = { ip: "127.0.0.1", userAgent: "team-sso-hints-test" };
type Body = { type: string; data: { auditType: string; userId: string | null; details: Record<string, unknown> } };

async function until<T>(check: () => T | undefined | null | false, ms = 15_000): Promise<T> {
  for (const end = Date.now() + ms; ;) {
    const value = check();
    if (value) return value;
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("enterprise SSO: login_hint on the sign-in page, webhooks for memberships made by single sign-on", () => {
  let t: TestApp;
  let dns: DnsServer;
  let idp: UpstreamIdp;
  let rp: client.Configuration;
  let team: TestTeam;
  let receiver: http.Server;
  const received: Body[] = [];
  const domain = `hint-${randomBytes(4).toString("hex")}.test`;

  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => {
        body += c.toString("utf8");
      });
      req.on("end", () => {
        received.push(JSON.parse(body) as Body);
        res.statusCode = 204;
        res.end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    dns = await startDnsServer();
    t = await startTestApp({ DNS_SERVERS: dns.address, OUTBOUND_ALLOW_PRIVATE: "true", OUTBOX_POLL_MS: "50" });
    idp = await startUpstreamIdp([`${t.url}/federation/corp/callback`], {
      sub: "emp-lin",
      email: `lin@${domain}`,
      email_verified: true,
      name: "Lin",
      groups: ["engineering"],
    });
    const made = await t.app.services.connectors.create(
      {
        slug: "corp",
        name: "Hint Corp SSO",
        kind: "oidc",
        issuer: idp.issuer,
        clientId: idp.clientId,
        clientSecret: idp.clientSecret,
        trustEmailVerified: true,
        scopes: ["openid", "email", "profile", "groups"],
      },
      { actorId: "cli", via: "cli" },
    );
    if (made.outcome !== "created") throw new Error(JSON.stringify(made));
    const owner = await t.createUser({ email: `boss@${domain}` });
    team = await createTeam(t, owner.id);
    // the team verifies the domain (its TXT record, through the loopback DNS server) and routes it to "corp"
    const added = await t.app.services.teamDomains.add(team.id, owner.id, domain, REQUEST);
    if (added.outcome !== "added") throw new Error(JSON.stringify(added));
    dns.records.set(`_gatehouse.${domain}`, [added.domain.recordValue]);
    expect((await t.app.services.teamDomains.verify(team.id, owner.id, added.domain.id, REQUEST)).outcome).toBe("verified");
    const routed = await t.app.services.teamDomains.update(
      team.id,
      owner.id,
      added.domain.id,
      { connector: "corp", groupRoles: [{ group: "leads", role: "manager" }] },
      REQUEST,
    );
    expect(routed.outcome).toBe("updated");

    const a = await setUpAdminApi(t);
    const port = (receiver.address() as AddressInfo).port;
    const hook = await a.call("POST", "/api/v1/webhooks", a.admin.token, {
      url: `http://127.0.0.1:${port}/team`,
      eventTypes: ["team.member_added", "team.member_role_changed"],
      description: "team",
    });
    expect(hook.status).toBe(201);
    const { clientId, clientSecret } = await t.createClient({
      name: "Hint RP",
      type: "confidential",
      redirectUris: [REDIRECT],
      firstParty: true,
    });
    rp = await discover(t.url, clientId, clientSecret);
  }, 60_000);
  afterAll(async () => {
    await idp?.close();
    await t?.close();
    await dns?.close();
    receiver?.closeAllConnections();
    await new Promise((r) => receiver?.close(r));
  });

  /** the RP's authorization request (with these extra parameters), opened in a fresh browser: the sign-in page */
  async function loginPage(extra: Record<string, string> = {}) {
    const browser = new TestBrowser(t.url);
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(rp, {
      redirect_uri: REDIRECT,
      scope: "openid email profile roles",
      state,
      nonce,
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: "S256",
      ...extra,
    });
    const page = await browser.go(url.href, { stopAt: REDIRECT });
    expect(page.status).toBe(200);
    expect(page.url).toContain("/interaction/");
    const tokens = (at: string) =>
      client.authorizationCodeGrant(rp, new URL(at), {
        pkceCodeVerifier: verifier,
        expectedState: state,
        expectedNonce: nonce,
        idTokenExpected: true,
      });
    return { browser, page, tokens };
  }
  const identifierValue = (html: string) => /<input id="identifier"[^>]*\svalue="([^"]*)"/.exec(html)?.[1];

  it("login_hint pre-fills the identifier; an address routed to a provider makes single sign-on the primary button, without a redirect", async () => {
    const routed = await loginPage({ login_hint: `lin@${domain}` });
    expect(identifierValue(routed.page.html)).toBe(`lin@${domain}`);
    expect(routed.page.html).toMatch(
      /class="btn btn-primary btn-block" type="submit" name="sso" value="1" formnovalidate data-sso data-sso-suggested autofocus/,
    );
    expect(routed.page.html).not.toContain(idp.issuer); // still Gatehouse's page: nothing sent the browser on

    const elsewhere = await loginPage({ login_hint: "someone@not-routed.test" });
    expect(identifierValue(elsewhere.page.html)).toBe("someone@not-routed.test");
    expect(elsewhere.page.html).toContain("data-sso");
    expect(elsewhere.page.html).not.toContain("data-sso-suggested");

    expect(identifierValue((await loginPage({ login_hint: "lin.wu" })).page.html)).toBe("lin.wu");
    const none = await loginPage();
    expect(identifierValue(none.page.html)).toBe("");
    expect(none.page.html).not.toContain("data-sso-suggested");
  });

  it("an HTML-ish hint is escaped; an overlong, spaced or control-character hint is ignored", async () => {
    const htmlish = `"><script>alert(1)</script>@${domain}`;
    const escaped = await loginPage({ login_hint: htmlish });
    expect(escaped.page.html).not.toContain("<script>alert(1)");
    expect(identifierValue(escaped.page.html)).toBe(`&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;@${domain}`);

    for (const hint of [
      `${"a".repeat(300)}@${domain}`,
      "x".repeat(255),
      "Lin Wu",
      "lin\u200b@x.test",
      "lin\u0007@x.test",
      "+49 30 1234567",
    ]) {
      const page = (await loginPage({ login_hint: hint })).page;
      expect(identifierValue(page.html), hint).toBe("");
      expect(page.html).not.toContain("data-sso-suggested");
    }
  });

  it("the first sign-in through the domain's provider delivers team.member_added; a role from the groups, team.member_role_changed", async () => {
    const first = await loginPage({ login_hint: `lin@${domain}` });
    const done = await first.browser.submit(
      first.page,
      "/login",
      { identifier: `lin@${domain}`, password: "", sso: "1" },
      { stopAt: REDIRECT },
    );
    expect(done.url.startsWith(REDIRECT)).toBe(true);
    const sub = String((await first.tokens(done.url)).claims()!.sub);
    const joined = await until(() => received.find((b) => b.type === "team.member_added"));
    expect(joined.data).toMatchObject({
      auditType: "team.member.joined",
      userId: sub,
      details: { teamId: team.id, via: "sso", connector: "corp", domain, role: "developer" },
    });

    idp.user = { ...idp.user, groups: ["engineering", "leads"] };
    const again = await loginPage();
    const back = await again.browser.submit(
      again.page,
      "/login",
      { identifier: `lin@${domain}`, password: "", sso: "1" },
      { stopAt: REDIRECT },
    );
    expect((await again.tokens(back.url)).claims()).toMatchObject({ sub, team: { id: team.id }, role: "manager" });
    const changed = await until(() => received.find((b) => b.type === "team.member_role_changed"));
    expect(changed.data).toMatchObject({
      auditType: "team.member.role_changed",
      userId: sub,
      details: { teamId: team.id, via: "sso", from: "developer", to: "manager" },
    });
    expect(received.filter((b) => b.type === "team.member_added")).toHaveLength(1);
  });
});
