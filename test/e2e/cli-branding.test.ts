// `gatehouse branding show|set` as a real process against a test app's Postgres and Redis: set stores the name,
// colour and a logo file through the branding use case (audited as the cli); a wrong file type and a bad colour
// are refused with the catalogue's words and change nothing; "" goes back to the default.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { gatehouseCli, type CliRunner } from "../helpers/cli.ts";

describe("gatehouse branding commands", () => {
  let t: TestApp;
  let gatehouse: CliRunner;
  const dir = mkdtempSync(path.join(tmpdir(), "gh-branding-"));

  beforeAll(async () => {
    t = await startTestApp();
    gatehouse = gatehouseCli(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("set and show, audited as the cli; a wrong file type and a bad colour change nothing", async () => {
    const logo = path.join(dir, "logo.jpg");
    writeFileSync(logo, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1]));
    const set = await gatehouse("branding", "set", "--name", "Acme CLI", "--color", "#123456", "--logo", logo, "--json");
    expect(set.code, set.stderr).toBe(0);
    const saved = JSON.parse(set.stdout) as { productName: string; primaryColor: string; logoUrl: string };
    expect(saved).toMatchObject({ productName: "Acme CLI", primaryColor: "#123456" });
    expect(saved.logoUrl).toMatch(/^\/brand\/logo\/[0-9a-f]{64}$/);
    expect((await t.app.db.prisma.brandLogo.findFirst())?.contentType).toBe("image/jpeg");

    const fake = path.join(dir, "logo.png");
    writeFileSync(fake, "<html><script>alert(1)</script></html>");
    const refused = await gatehouse("branding", "set", "--logo", fake);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain("must be a PNG, JPEG or WebP image");
    const badColour = await gatehouse("branding", "set", "--color", "blue");
    expect(badColour.code).not.toBe(0);
    expect(badColour.stderr).toContain("primaryColor");

    const shown = await gatehouse("branding", "show");
    expect(shown.stdout).toContain("Acme CLI");
    expect(shown.stdout).toContain(saved.logoUrl);
    expect(
      await t.app.db.prisma.auditEvent.count({
        where: { type: "branding.updated", actorId: null, data: { path: ["via"], equals: "cli" } },
      }),
    ).toBe(1);

    const reset = await gatehouse("branding", "set", "--name", "", "--json");
    expect(JSON.parse(reset.stdout)).toMatchObject({ productName: null, primaryColor: "#123456", defaults: { productName: "Gatehouse" } });
  }, 180_000); // five processes, each starting tsx on a shared machine
});
