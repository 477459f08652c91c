// #18: what `npm start` prints. A newcomer finds /login, /admin and (in development without SMTP) /dev/mailbox in
// it, and how the first administrator gets in (confirm the email, the emailed sign-in code); production prints no
// npm command hints (there is no source checkout there) and never the mailbox.
import { describe, it, expect } from "vitest";
import { startBanner, type BannerFacts } from "../../src/lib/start-banner.ts";

const facts = (over: Partial<BannerFacts> = {}): BannerFacts => ({
  url: "http://localhost:3000",
  issuer: "http://localhost:3000",
  production: false,
  embeddedRedis: true,
  mailbox: true,
  adminExists: false,
  setupToken: "SETUP",
  embeddedDatabaseIn: ".data/pglite",
  ...over,
});

describe("start banner", () => {
  it("development, no admin yet: the pages, the mailbox, the setup link and every first-admin step", () => {
    const text = startBanner(facts());
    expect(text).toContain("sign in:    http://localhost:3000/login");
    expect(text).toContain("admin:      http://localhost:3000/admin ");
    expect(text).toContain("mailbox:    http://localhost:3000/dev/mailbox");
    expect(text).toContain("http://localhost:3000/admin-register?setup=SETUP");
    expect(text).toMatch(/confirm the address from the email \(in the mailbox above\)/);
    expect(text).toContain("sign-in code emailed to you");
    expect(text).toContain("npm run create-admin -- --email you@example.com");
  });

  it("production: /login and /admin, no mailbox and no npm hints; the setup link only until an admin exists", () => {
    const prod = startBanner(
      facts({
        production: true,
        issuer: "https://id.example.com",
        url: "http://0.0.0.0:3000",
        mailbox: false,
        embeddedRedis: false,
        embeddedDatabaseIn: undefined,
      }),
    );
    expect(prod).toContain("https://id.example.com/login");
    expect(prod).toContain("https://id.example.com/admin ");
    expect(prod).not.toContain("/dev/mailbox");
    expect(prod).not.toContain("npm run");
    expect(prod).toContain("https://id.example.com/admin-register?setup=SETUP");
    expect(startBanner(facts({ production: true, adminExists: true }))).not.toContain("admin-register");
    // even a production process with no SMTP never advertises the mailbox
    expect(startBanner(facts({ production: true, mailbox: true }))).not.toContain("/dev/mailbox");
  });

  it("production logs its start notice instead: the pages, and the setup link only until an admin exists", async () => {
    const { startLogFields } = await import("../../src/lib/start-banner.ts");
    expect(startLogFields({ issuer: "https://id.example.com", adminExists: false, setupToken: "SETUP" })).toEqual({
      signIn: "https://id.example.com/login",
      admin: "https://id.example.com/admin",
      firstAdministrator: "https://id.example.com/admin-register?setup=SETUP",
    });
    expect(startLogFields({ issuer: "https://id.example.com", adminExists: true, setupToken: "SETUP" })).toEqual({
      signIn: "https://id.example.com/login",
      admin: "https://id.example.com/admin",
    });
  });
});
