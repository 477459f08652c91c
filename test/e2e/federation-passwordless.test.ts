// An account made through a sign-in provider has no password (#17): the pages that confirm a change with the
// password say so clearly instead of asking for one (which could only be "wrong" and count toward the lockout):
// turning on two-factor authentication, and deleting the account (no password or second factor to confirm
// with). The way forward is named: set a password with "Forgot your password?".
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { startTestApp, uniqueEmail, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser, type Page } from "../helpers/browser.ts";
import { openAccountPage } from "../helpers/sessions.ts";
import { startUpstreamIdp, type UpstreamIdp } from "../helpers/upstream-idp.ts";

describe("a federated account without a password on the pages that confirm with one", () => {
  let t: TestApp;
  let idp: UpstreamIdp;
  beforeAll(async () => {
    t = await startTestApp();
    idp = await startUpstreamIdp([`${t.url}/federation/company/callback`], {
      sub: "nopw-1",
      email: uniqueEmail("nopw"),
      email_verified: true,
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

  it("two-factor set-up says a password is needed first and asks for none", async () => {
    const { page } = await signInThroughCompany("/account/two-factor");
    expect(page.url).toBe(`${t.url}/account/two-factor`);
    const user = await t.app.db.prisma.user.findFirstOrThrow({ where: { emailNormalized: idp.user.email.toLowerCase() } });
    expect(user.passwordHash).toBeNull();
    expect(page.html).toContain("data-no-password");
    expect(page.html).toContain("Forgot your password?");
    expect(page.html).not.toContain('name="password"');
    expect(page.html).not.toContain('action="/account/two-factor/setup"');
  });

  it("deletion is refused clearly (no password or second factor to confirm with); nothing is deleted, nothing counted", async () => {
    const { page } = await signInThroughCompany("/account/data");
    expect(page.html).toContain("no password or second factor to confirm with");
    const user = await t.app.db.prisma.user.findFirstOrThrow({ where: { emailNormalized: idp.user.email.toLowerCase() } });
    const result = await t.app.services.accountDeletion.deleteOwn(
      user,
      { password: "anything at all" },
      { ip: "203.0.113.9", userAgent: "test", via: "account_page" },
    );
    expect(result).toEqual({ outcome: "no_factor" });
    expect(await t.app.db.prisma.user.count({ where: { id: user.id, disabled: false } })).toBe(1);
    expect(await t.app.db.prisma.linkedIdentity.count({ where: { userId: user.id } })).toBe(1);
  });
});
