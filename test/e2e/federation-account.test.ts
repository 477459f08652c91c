// A federated account's own pages (#17): signing in to /account through the company IdP (a real oidc-provider
// on loopback), the linked provider listed at /account/sign-in-providers, unlinking refused while it is the only
// way to sign in (409, nothing removed) and allowed once the account has a password (audited), the data export
// lists the linked identities, and deleting the account erases them.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { startTestApp, uniqueEmail, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser, type Page } from "../helpers/browser.ts";
import { openAccountPage } from "../helpers/sessions.ts";
import { startUpstreamIdp, type UpstreamIdp } from "../helpers/upstream-idp.ts";

describe("federated accounts on the account pages", () => {
  let t: TestApp;
  let idp: UpstreamIdp;
  beforeAll(async () => {
    t = await startTestApp();
    idp = await startUpstreamIdp([`${t.url}/federation/company/callback`], {
      sub: "acct-1",
      email: uniqueEmail("fed"),
      email_verified: true,
      preferred_username: "fed.user",
    });
    const made = await t.app.services.connectors.create(
      {
        slug: "company",
        name: "Company",
        kind: "oidc",
        issuer: idp.issuer,
        clientId: idp.clientId,
        clientSecret: idp.clientSecret,
        trustEmailVerified: true,
      },
      { actorId: "cli", via: "cli" },
    );
    if (made.outcome !== "created") throw new Error(JSON.stringify(made));
  });
  afterAll(async () => {
    await idp?.close();
    await t?.close();
  });

  async function signInThroughCompany(path: string): Promise<{ browser: TestBrowser; page: Page }> {
    const browser = new TestBrowser(t.url);
    const login = await openAccountPage(browser, t.url, path);
    const page = await browser.submit(login, "/federation/company", {});
    return { browser, page };
  }

  it("lists the linked provider; unlinking the only way in is refused; with a password it is allowed; audited", async () => {
    const { browser, page } = await signInThroughCompany("/account/sign-in-providers");
    expect(page.status).toBe(200);
    expect(page.url).toBe(`${t.url}/account/sign-in-providers`);
    expect(page.html).toContain('data-identity="company"');
    expect(page.html).toContain(idp.user.email);
    const user = await t.app.db.prisma.user.findFirstOrThrow({ where: { emailNormalized: idp.user.email.toLowerCase() } });

    const refused = await browser.submit(page, "/unlink", {});
    expect(refused.status).toBe(409);
    expect(refused.html).toContain("only way to sign in");
    expect(await t.app.db.prisma.linkedIdentity.count({ where: { userId: user.id } })).toBe(1);

    await t.app.db.prisma.user.update({
      where: { id: user.id },
      data: { passwordHash: "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$c29tZWhhc2g" },
    });
    const done = await browser.submit(refused, "/unlink", {});
    expect(done.status).toBe(200);
    expect(done.html).toContain("The provider is unlinked");
    expect(await t.app.db.prisma.linkedIdentity.count({ where: { userId: user.id } })).toBe(0);
    expect(await t.app.db.prisma.auditEvent.count({ where: { type: "identity.unlinked", userId: user.id } })).toBe(1);
  });

  it("a just-in-time username already taken is made unique", async () => {
    const taken = await t.createUser();
    idp.user = { sub: "acct-3", email: uniqueEmail("fed3"), email_verified: true, preferred_username: taken.username };
    const { page } = await signInThroughCompany("/account/profile");
    expect(page.status).toBe(200);
    const user = await t.app.db.prisma.user.findFirstOrThrow({ where: { emailNormalized: idp.user.email.toLowerCase() } });
    expect(user.username).not.toBe(taken.username);
    expect(user.username.startsWith(`${taken.username}-`)).toBe(true);
  });

  it("the data export lists linked identities; deleting the account erases them", async () => {
    idp.user = { sub: "acct-2", email: uniqueEmail("fed2"), email_verified: true };
    const { page } = await signInThroughCompany("/account/data");
    expect(page.status).toBe(200);
    const user = await t.app.db.prisma.user.findFirstOrThrow({ where: { emailNormalized: idp.user.email.toLowerCase() } });
    const doc = (await t.app.services.accountExport.exportFor(user.id, { ip: null, userAgent: null, via: "account_page" }))!;
    expect(doc.credentials.linkedIdentities).toMatchObject([{ provider: "company", subject: "acct-2", email: idp.user.email }]);
    expect(await t.app.services.accountDeletion.deleteUser(user.id, { actorId: "cli", via: "cli" })).toMatchObject({
      outcome: expect.stringMatching(/deleted|scheduled/),
    });
    expect(await t.app.db.prisma.user.count({ where: { id: user.id } })).toBe(0);
    expect(await t.app.db.prisma.linkedIdentity.count({ where: { subject: "acct-2" } })).toBe(0);
  });
});
