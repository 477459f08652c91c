// Enterprise SSO per team (#17 item 3) on the team's "Domains & SSO" page and through `gatehouse team-domains`
// (a real process), both against a loopback DNS server: the Owner adds a domain and sees its TXT record,
// verifies it, routes it to a provider, maps groups and requires SSO (CSRF-checked forms, bad input refused with
// nothing changed); a Manager has no such page; removal takes two steps. The CLI does the same as the "cli".
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { randomBytes } from "node:crypto";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { gatehouseCli } from "../helpers/cli.ts";
import { TestBrowser, type Page } from "../helpers/browser.ts";
import { startDnsServer, type DnsServer } from "../helpers/dns-server.ts";
import { addMember, createTeam } from "../helpers/team-flow.ts";
import { freePort } from "../helpers/databases.ts";

const rand = () => randomBytes(4).toString("hex");

describe("team domains and SSO: the Owner's page and the CLI", () => {
  let t: TestApp;
  let dns: DnsServer;

  beforeAll(async () => {
    dns = await startDnsServer();
    t = await startTestApp({ DNS_SERVERS: dns.address });
    const made = await t.app.services.connectors.create(
      {
        slug: "corp",
        name: "Corp IdP",
        kind: "oidc",
        issuer: `http://127.0.0.1:${await freePort()}`,
        clientId: "x",
        clientSecret: "y",
        trustEmailVerified: true,
      },
      { actorId: "cli", via: "cli" },
    );
    if (made.outcome !== "created") throw new Error(JSON.stringify(made));
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await dns?.close();
  });

  async function signedIn(identifier: string, password: string, returnTo: string): Promise<{ browser: TestBrowser; page: Page }> {
    const browser = new TestBrowser(t.url);
    const login = await browser.go(`${t.url}/login?return_to=${encodeURIComponent(returnTo)}`);
    const page = await browser.submit(login, "/login", { identifier, password });
    return { browser, page };
  }

  it("the Owner adds, verifies, routes and requires SSO for a domain on the page; a Manager has no such page; removal takes two steps", async () => {
    const owner = await t.createUser();
    const team = await createTeam(t, owner.id);
    const manager = await t.createUser();
    await addMember(t, team, manager.id, "manager");
    const domain = `pages-${rand()}.test`;
    const base = `/account/teams/${team.slug}/sso`;

    const { browser, page: first } = await signedIn(owner.email, owner.password, base);
    expect(first.status).toBe(200);
    expect(first.html).toContain("Add a domain");
    const added = await browser.submit(first, "/sso/domains", { domain });
    expect(added.status).toBe(201);
    const value = /data-record-value>([^<]+)</.exec(added.html)![1]!;
    expect(added.html).toContain(`_gatehouse.${domain}`);
    expect(value).toMatch(/^gatehouse-domain-verification=/);
    // a POST without the page's CSRF token changes nothing
    expect((await browser.submit(added, "/verify", { _csrf: "forged" })).status).toBe(403);

    dns.records.set(`_gatehouse.${domain}`, [value]);
    const verified = await browser.submit(added, "/verify", {});
    expect(verified.status).toBe(200);
    expect(verified.html).toContain(`${domain} is verified.`);

    const bad = await browser.submit(verified, "/sso/domains/", { connector: "corp", groupRoles: "no equals sign here" });
    expect(bad.status).toBe(400);
    expect(bad.html).toContain("line 1 is not");
    const ownerRole = await browser.submit(verified, "/sso/domains/", { connector: "corp", groupRoles: "admins = owner" });
    expect(ownerRole.status).toBe(400);
    const saved = await browser.submit(verified, "/sso/domains/", {
      connector: "corp",
      ssoRequired: "1",
      defaultRole: "",
      groupRoles: "leads = manager\nstaff = developer",
    });
    expect(saved.status).toBe(200);
    expect(saved.html).toContain(`The settings of ${domain} were saved.`);
    const row = await t.app.db.prisma.teamDomain.findFirstOrThrow({ where: { teamId: team.id, domain } });
    expect(row).toMatchObject({
      ssoRequired: true,
      groupRoles: [
        { group: "leads", role: "manager" },
        { group: "staff", role: "developer" },
      ],
    });
    expect(row.connectorId).not.toBeNull();

    const asManager = await signedIn(manager.email, manager.password, base);
    expect(asManager.page.status).toBe(403);

    const confirm = await browser.submit(saved, "/remove", {});
    expect(confirm.html).toContain(`Remove ${domain}?`);
    expect(await t.app.db.prisma.teamDomain.count({ where: { id: row.id } })).toBe(1);
    const removed = await browser.submit(confirm, "/remove", {});
    expect(removed.html).toContain("The domain was removed.");
    expect(await t.app.db.prisma.teamDomain.count({ where: { id: row.id } })).toBe(0);
    const types = (
      await t.app.db.prisma.auditEvent.findMany({ where: { data: { path: ["domain"], equals: domain } }, orderBy: { id: "asc" } })
    ).map((e) => e.type);
    expect(types).toEqual(["team.domain.added", "team.domain.verified", "team.domain.updated", "team.domain.removed"]);
  });

  it("gatehouse team-domains add, verify, update, list as the cli", async () => {
    const owner = await t.createUser();
    const team = await createTeam(t, owner.id);
    const domain = `cli-${rand()}.test`;
    const cli = gatehouseCli(t, { env: { DNS_SERVERS: dns.address } });
    const gatehouse = (...args: string[]) => cli("team-domains", ...args);
    const added = await gatehouse("add", "--team", team.slug, "--domain", domain, "--json");
    expect(added.code).toBe(0);
    const record = (JSON.parse(added.stdout) as { record: { name: string; value: string } }).record;
    const early = await gatehouse("verify", "--team", team.slug, "--domain", domain);
    expect(early.code).not.toBe(0);
    expect(early.stderr).toContain("There is no TXT record");
    dns.records.set(record.name, [record.value]);
    expect((await gatehouse("verify", "--team", team.slug, "--domain", domain)).stdout).toContain(`${domain}: verified`);
    const updated = await gatehouse(
      "update",
      "--team",
      team.slug,
      "--domain",
      domain,
      "--connector",
      "corp",
      "--sso-required",
      "yes",
      "--group",
      "leads=manager",
    );
    expect(updated.code).toBe(0);
    expect((await gatehouse("list", "--team", team.slug)).stdout).toContain(
      `${domain}: verified, provider corp, SSO required, groups leads=manager`,
    );
    const verifiedEvent = await t.app.db.prisma.auditEvent.findFirstOrThrow({
      where: { type: "team.domain.verified", data: { path: ["domain"], equals: domain } },
    });
    expect(verifiedEvent).toMatchObject({ actorId: "cli", userId: null });
  }, 120_000);
});
