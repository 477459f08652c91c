// Enterprise SSO per team (#17 item 3), end to end with real peers on loopback: a DNS server answering TXT
// queries in the wire format (Gatehouse's node:dns Resolver points at it through DNS_SERVERS), a second
// oidc-provider as the company IdP (sending `groups`), openid-client as the relying party, the REST API with a
// real access token. A domain is verified by its TXT record (a missing or wrong one fails with a clear message),
// only one team can verify it, home-realm discovery sends the domain's addresses to the team's provider and the
// user ends up a member with the mapped role in the tokens, the role follows the groups on the next sign-in, and
// "SSO required" refuses passwords for the domain's members but not for the team's Owner.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { randomBytes } from "node:crypto";
import * as client from "openid-client";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser } from "../helpers/browser.ts";
import { discover } from "../helpers/oidc-flow.ts";
import { startUpstreamIdp, type UpstreamIdp } from "../helpers/upstream-idp.ts";
import { startDnsServer, type DnsServer } from "../helpers/dns-server.ts";
import { apiClient, type Caller } from "../helpers/api.ts";
import { addMember, createTeam, type TestTeam } from "../helpers/team-flow.ts";
import { startSmtpSink, type SmtpSink } from "../helpers/smtp-sink.ts";

const REDIRECT = "https://rp.example.test/cb";
const REQUEST = { ip: "127.0.0.1", userAgent: "team-sso-test" };
const rand = () => randomBytes(4).toString("hex");

describe("enterprise SSO per team: verified domains, home-realm discovery, SSO required, groups to roles", () => {
  let t: TestApp;
  let dns: DnsServer;
  let sink: SmtpSink;
  let idp: UpstreamIdp;
  let rp: client.Configuration;
  let call: Caller;
  let ownerToken: string;
  let owner: Awaited<ReturnType<TestApp["createUser"]>>;
  let team: TestTeam;
  let domainId = "";
  const domain = `acme-${rand()}.test`;

  beforeAll(async () => {
    dns = await startDnsServer();
    sink = await startSmtpSink();
    t = await startTestApp({ DNS_SERVERS: dns.address, SMTP_URL: sink.url, MAGIC_LINKS: "true" });
    idp = await startUpstreamIdp([`${t.url}/federation/corp/callback`, `${t.url}/federation/other/callback`], {
      sub: "emp-ada",
      email: `ada@${domain}`,
      email_verified: true,
      name: "Ada",
      groups: ["engineering"],
    });
    // "other": another provider (the same IdP under another connector) the domain is not routed to
    for (const slug of ["corp", "other"]) {
      const made = await t.app.services.connectors.create(
        {
          slug,
          name: slug === "corp" ? "Acme Corp SSO" : "Other",
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
    }
    owner = await t.createUser({ email: `boss@${domain}` });
    team = await createTeam(t, owner.id);
    const api = await apiClient(t);
    call = api.call;
    ownerToken = await api.apiToken(owner);
    const { clientId, clientSecret } = await t.createClient({
      name: "SSO RP",
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
    await sink?.close();
  });

  const domainPath = (id = domainId) => `/api/v1/teams/${team.id}/domains/${id}`;
  const audit = (type: string) =>
    t.app.db.prisma.auditEvent.findMany({ where: { type, data: { path: ["domain"], equals: domain } }, orderBy: { id: "asc" } });

  /** the RP's authorization request, opened in a fresh browser: the sign-in page */
  async function loginPage(browser = new TestBrowser(t.url)) {
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
    });
    const page = await browser.go(url.href, { stopAt: REDIRECT });
    const tokens = (at: string) =>
      client.authorizationCodeGrant(rp, new URL(at), {
        pkceCodeVerifier: verifier,
        expectedState: state,
        expectedNonce: nonce,
        idTokenExpected: true,
      });
    return { browser, page, tokens };
  }
  /** "Continue with single sign-on" with the address alone: through the upstream IdP back to the RP */
  async function signInBySso(identifier: string) {
    const { browser, page, tokens } = await loginPage();
    expect(page.html).toContain("data-sso");
    const done = await browser.submit(page, "/login", { identifier, password: "", sso: "1" }, { stopAt: REDIRECT });
    return { done, tokens };
  }

  it("verifies a domain through a real DNS look-up of its TXT record; a missing or wrong record fails with a clear message", async () => {
    const added = await call("POST", `/api/v1/teams/${team.id}/domains`, ownerToken, { domain: domain.toUpperCase() });
    expect(added.status).toBe(201);
    domainId = String(added.body.id);
    const record = added.body.record as { name: string; type: string; value: string };
    expect(added.body).toMatchObject({ domain, verified: false, connector: null, ssoRequired: false });
    expect(record).toMatchObject({ name: `_gatehouse.${domain}`, type: "TXT" });
    expect(record.value).toMatch(/^gatehouse-domain-verification=[A-Za-z0-9_-]{20,}$/);

    const missing = await call("POST", `${domainPath()}/verify`, ownerToken);
    expect(missing.status).toBe(400);
    expect(missing.body.code).toBe("domain.unverified");
    expect(missing.body.message).toContain(`There is no TXT record at _gatehouse.${domain}`);

    dns.records.set(record.name, ["v=spf1 -all", "gatehouse-domain-verification=not-the-token"]);
    const wrong = await call("POST", `${domainPath()}/verify`, ownerToken);
    expect(wrong.status).toBe(400);
    expect(wrong.body.message).toContain(`does not hold ${record.value}`);
    // routing and SSO need a verified domain
    expect((await call("PATCH", domainPath(), ownerToken, { connector: "corp" })).status).toBe(400);

    dns.records.set(record.name, ["v=spf1 -all", record.value]);
    const verified = await call("POST", `${domainPath()}/verify`, ownerToken);
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ domain, verified: true });
    expect(dns.queries.filter((q) => q === record.name).length).toBe(3);
    expect((await audit("team.domain.verification_failed")).map((e) => (e.data as { reason: string }).reason)).toEqual([
      "txt_missing",
      "txt_mismatch",
    ]);
    expect(await audit("team.domain.verified")).toHaveLength(1);
  });

  it("a domain another team verified cannot be claimed; of two pending claims only the first to verify wins", async () => {
    const other = await t.createUser();
    const otherTeam = await createTeam(t, other.id);
    const claim = await t.app.services.teamDomains.add(otherTeam.id, other.id, domain, REQUEST);
    expect(claim).toMatchObject({ outcome: "conflict", message: `${domain} is verified by another team.` });

    const contested = `contested-${rand()}.test`;
    const third = await t.createUser();
    const thirdTeam = await createTeam(t, third.id);
    const a = await t.app.services.teamDomains.add(otherTeam.id, other.id, contested, REQUEST);
    const b = await t.app.services.teamDomains.add(thirdTeam.id, third.id, contested, REQUEST);
    if (a.outcome !== "added" || b.outcome !== "added") throw new Error("claims not added");
    dns.records.set(`_gatehouse.${contested}`, [a.domain.recordValue, b.domain.recordValue]);
    expect((await t.app.services.teamDomains.verify(otherTeam.id, other.id, a.domain.id, REQUEST)).outcome).toBe("verified");
    expect(await t.app.services.teamDomains.verify(thirdTeam.id, third.id, b.domain.id, REQUEST)).toMatchObject({ outcome: "conflict" });
    expect(await t.app.db.prisma.teamDomain.count({ where: { domain: contested, verifiedAt: { not: null } } })).toBe(1);
  });

  it("only the Owner manages the team's domains: a Manager is refused, an outsider does not see the team", async () => {
    const manager = await t.createUser();
    await addMember(t, team, manager.id, "manager");
    expect((await t.app.services.teamDomains.list(team.id, manager.id)).outcome).toBe("forbidden");
    expect((await t.app.services.teamDomains.list(team.id, (await t.createUser()).id)).outcome).toBe("not_found");
  });

  it("home-realm discovery sends the domain's address to the team's provider; the user ends up a member with the team's role in the tokens", async () => {
    // no domain routed anywhere yet: the sign-in page offers no single sign-on
    expect((await loginPage()).page.html).not.toContain("data-sso");
    const patched = await call("PATCH", domainPath(), ownerToken, { connector: "corp", groupRoles: [{ group: "leads", role: "manager" }] });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ connector: { slug: "corp" }, groupRoles: [{ group: "leads", role: "manager" }] });

    const { done, tokens } = await signInBySso(`Ada@${domain.toUpperCase()}`);
    expect(done.url.startsWith(REDIRECT)).toBe(true);
    const claims = (await tokens(done.url)).claims()!;
    expect(claims).toMatchObject({ idp: "corp", team: { id: team.id, slug: team.slug }, role: "developer" });
    expect(claims.amr).toContain("fed");
    const joined = await t.app.db.prisma.auditEvent.findMany({ where: { type: "team.member.joined", userId: String(claims.sub) } });
    expect(joined.map((e) => e.data)).toEqual([
      expect.objectContaining({ via: "sso", connector: "corp", domain, role: "developer", teamId: team.id }),
    ]);
  });

  it("groups change the role on the next sign-in (audited)", async () => {
    idp.user = { ...idp.user, groups: ["engineering", "leads"] };
    const { done, tokens } = await signInBySso(`ada@${domain}`);
    const claims = (await tokens(done.url)).claims()!;
    expect(claims).toMatchObject({ team: { id: team.id }, role: "manager" });
    const changed = await t.app.db.prisma.auditEvent.findMany({ where: { type: "team.member.role_changed", userId: String(claims.sub) } });
    expect(changed.map((e) => e.data)).toEqual([expect.objectContaining({ via: "sso", from: "developer", to: "manager" })]);
  });

  it("an address whose domain has no single sign-on is told so, and nothing leaves the page", async () => {
    const { browser, page } = await loginPage();
    const answer = await browser.submit(
      page,
      "/login",
      { identifier: `someone@no-sso-${rand()}.test`, password: "", sso: "1" },
      { stopAt: REDIRECT },
    );
    expect(answer.status).toBe(400);
    expect(answer.html).toContain("There is no single sign-on for that address");
  });

  it("SSO required refuses the password of a member in the domain (right or wrong alike) but not the Owner's", async () => {
    expect((await call("PATCH", domainPath(), ownerToken, { connector: null, ssoRequired: true })).status).toBe(400);
    const required = await call("PATCH", domainPath(), ownerToken, { ssoRequired: true });
    expect(required.status).toBe(200);
    const member = await t.createUser({ email: `pat@${domain}` });
    await addMember(t, team, member.id, "developer");

    for (const password of [member.password, "not-the-password"]) {
      const { browser, page } = await loginPage();
      const refused = await browser.submit(page, "/login", { identifier: member.email, password }, { stopAt: REDIRECT });
      expect(refused.status).toBe(403);
      expect(refused.html).toContain(`requires single sign-on for ${domain} addresses`);
    }
    const failures = await t.app.db.prisma.auditEvent.findMany({
      where: { type: "login.failed", userId: member.id },
      orderBy: { id: "asc" },
    });
    expect(failures.map((e) => (e.data as { reason: string }).reason)).toContain("sso_required");

    // by username too: the account's address decides, once the password is right
    const { browser: b2, page: p2 } = await loginPage();
    const byName = await b2.submit(p2, "/login", { identifier: member.username, password: member.password }, { stopAt: REDIRECT });
    expect(byName.status).toBe(403);

    // an emailed sign-in link is refused alike
    const asked = await loginPage();
    await asked.browser.submit(asked.page, "/magic-link", { email: member.email }, { stopAt: REDIRECT });
    await sink.waitFor((m) => m.to.includes(member.email));
    const link = /(http:\/\/\S+\/interaction\/\S+\/magic\/[A-Za-z0-9_-]+)/.exec(
      sink.messages.filter((m) => m.to.includes(member.email)).at(-1)!.text,
    )![1]!;
    const linkPage = await asked.browser.go(link, { stopAt: REDIRECT });
    const byLink = await asked.browser.submit(linkPage, "/magic/", {}, { stopAt: REDIRECT });
    expect(byLink.url.startsWith(REDIRECT)).toBe(false);
    expect(byLink.status).toBe(403);
    expect(byLink.html).toContain(`requires single sign-on for ${domain} addresses`);

    // so is another provider than the domain's, for an account in the domain
    const viaOther = await loginPage();
    const other = await viaOther.browser.submit(viaOther.page, "/federation/other", {}, { stopAt: REDIRECT });
    expect(other.url.startsWith(REDIRECT)).toBe(false);
    expect(other.status).toBe(403);
    expect(other.html).toContain(`requires single sign-on for ${domain} addresses`);
    // while the domain's own provider still signs Ada in
    const { done } = await signInBySso(`ada@${domain}`);
    expect(done.url.startsWith(REDIRECT)).toBe(true);

    // the Owner (break-glass) still signs in with the password
    const { browser, page, tokens } = await loginPage();
    const ok = await browser.submit(page, "/login", { identifier: owner.email, password: owner.password }, { stopAt: REDIRECT });
    expect(ok.url.startsWith(REDIRECT)).toBe(true);
    expect((await tokens(ok.url)).claims()).toMatchObject({ sub: owner.id, role: "owner" });
  });
});
