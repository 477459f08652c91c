// The admin Roles screens in a real chromium against a real Gatehouse (useAdminBrowser: signed in through the
// real login, CSP violations and dialogs checked to be none after each test): the walk "edit a role" (open
// /admin/roles, find a team, open its roles, edit a role by ticking a permission in the matrix grouped by tab,
// save, see the change; the same for a system role), the matrix pages at phone and desktop widths with
// screenshots (test-artifacts/screenshots/admin-roles-*.png) and no sideways scroll; and the XSS check: a team,
// a team role and a system role named `"><svg onload=alert(1)>` render as text on every roles page.
import { describe, it, expect, beforeAll } from "vitest";
import type { Page } from "playwright-core";
import type { TestApp } from "../helpers/test-app.ts";
import { adminNav, useAdminBrowser } from "./admin-harness.ts";
import { SCREENSHOTS, VIEWPORTS } from "./screens.ts";

const XSS = `"><svg onload=alert(1)>`;

describe("admin roles pages in chromium", { timeout: 120_000 }, () => {
  const h = useAdminBrowser();
  let t: TestApp;
  beforeAll(() => {
    t = h.t;
  });
  let n = 0;
  const tag = () => `${Date.now().toString(36)}${++n}`;

  const noSideways = async (page: Page, width: number) =>
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
  const legends = (page: Page) => page.locator("fieldset.permission-tab > legend");
  /** a team (owned by a fresh user) with a custom role "Support" that may only read the team */
  async function teamWithRole(name = `Walk team ${tag()}`, roleName = "Support") {
    const owner = await t.createUser();
    const team = await t.app.services.teams.createTeam(owner.id, { name, slug: `walk-${tag()}` });
    if (team.outcome !== "created") throw new Error(team.message);
    const role = await t.app.services.teamRoles.create(team.teamId, owner.id, { name: roleName, permissions: ["gatehouse.team.read"] });
    if (role.outcome !== "created") throw new Error(role.outcome);
    return { teamId: team.teamId, name, role: role.role };
  }
  async function systemRole(name: string) {
    const made = await t.app.services.systemRoles.create({ key: `walk_${tag()}`, name, permissions: ["gatehouse.admin.users.read"] });
    if (made.outcome !== "created") throw new Error(made.message);
    return made.role;
  }

  it("edits a team role and a system role by ticking a permission in the matrix, at phone and desktop widths", async () => {
    for (const viewport of VIEWPORTS) {
      const team = await teamWithRole();
      const sys = await systemRole(`Walkers ${viewport.width}`);
      const page = await h.newPage({ viewport });
      await h.signInAsAdmin(page, "/admin/roles");
      expect(await (await adminNav(page)).getByRole("link", { name: "Roles" }).getAttribute("aria-current")).toBe("page");
      await noSideways(page, viewport.width);
      await page.screenshot({ path: `${SCREENSHOTS}admin-roles-${viewport.width}x${viewport.height}-light.png`, fullPage: true });

      // the team: find it, open its roles, open the role
      await page.getByLabel("Team name or slug").fill(team.name);
      await page.getByRole("button", { name: "Find teams" }).click();
      await page.waitForURL((u) => u.pathname === "/admin/roles/teams" && u.searchParams.get("q") === team.name);
      await page.getByRole("link", { name: team.name }).click();
      await page.waitForURL((u) => u.pathname === `/admin/roles/teams/${team.teamId}`);
      await page.getByRole("link", { name: "Edit Support" }).click();
      await page.waitForURL((u) => u.pathname === `/admin/roles/teams/${team.teamId}/${team.role.id}`);
      expect(await page.locator("h1").textContent()).toBe("Support");

      // the matrix: grouped by tab, visible legends; no administrator codes
      expect(await legends(page).allTextContents()).toEqual(["Billing", "Team"]);
      for (const legend of await legends(page).all()) expect(await legend.isVisible()).toBe(true);
      expect(await page.locator('input[value^="gatehouse.admin."]').count()).toBe(0);
      await noSideways(page, viewport.width);
      await page.screenshot({
        path: `${SCREENSHOTS}admin-roles-team-matrix-${viewport.width}x${viewport.height}-light.png`,
        fullPage: true,
      });

      const billing = page.getByRole("group", { name: "Billing" }).getByRole("checkbox", { name: /Manage billing/ });
      expect(await billing.isChecked()).toBe(false);
      await billing.check();
      await page.getByRole("button", { name: "Save role" }).click();
      await page.waitForURL((u) => u.searchParams.get("done") === "saved");
      expect(await page.getByRole("status").textContent()).toContain("Role saved.");
      expect(
        await page
          .getByRole("group", { name: "Billing" })
          .getByRole("checkbox", { name: /Manage billing/ })
          .isChecked(),
      ).toBe(true);
      expect((await t.app.queries.teams.role(team.teamId, team.role.id))!.permissions).toEqual([
        "gatehouse.team.billing.manage",
        "gatehouse.team.read",
      ]);
      await page.getByRole("link", { name: /^All roles of / }).click();
      await page.waitForURL((u) => u.pathname === `/admin/roles/teams/${team.teamId}`);
      expect(await page.locator("#role-support .permission-summary").textContent()).toContain("Manage billing");

      // a system role, the same way
      await (await adminNav(page)).getByRole("link", { name: "Roles" }).click();
      await page.waitForURL((u) => u.pathname === "/admin/roles");
      await page.getByRole("region", { name: "System roles", exact: true }).getByRole("link", { name: sys.name }).click(); // (the matrix's column heads link too)
      await page.waitForURL((u) => u.pathname === `/admin/roles/system/${sys.key}`);
      expect(await legends(page).allTextContents()).toEqual(expect.arrayContaining(["Admin: users", "Admin: keys", "Admin: roles"]));
      expect(await page.locator('input[value="gatehouse.team.read"]').count()).toBe(0);
      await noSideways(page, viewport.width);
      await page.screenshot({
        path: `${SCREENSHOTS}admin-roles-system-matrix-${viewport.width}x${viewport.height}-light.png`,
        fullPage: true,
      });
      const keys = page.getByRole("group", { name: "Admin: keys" }).getByRole("checkbox", { name: /Rotate signing keys/ });
      await keys.check();
      await page.getByRole("button", { name: "Save role" }).click();
      await page.waitForURL((u) => u.searchParams.get("done") === "saved");
      expect(await page.getByRole("status").textContent()).toContain("System role saved.");
      expect(
        await page
          .getByRole("group", { name: "Admin: keys" })
          .getByRole("checkbox", { name: /Rotate signing keys/ })
          .isChecked(),
      ).toBe(true);
      expect((await t.app.services.systemRoles.get(sys.key))!.permissions).toEqual([
        "gatehouse.admin.keys.manage",
        "gatehouse.admin.users.read",
      ]);
    }
  });

  it("a team, a team role and a system role named with markup render as text on every roles page, running nothing", async () => {
    const team = await teamWithRole(XSS, XSS);
    const sys = await systemRole(XSS);
    const page = await h.newPage();
    await h.signInAsAdmin(page, "/admin/roles");
    const injected = () => page.locator("svg[onload]").count();
    const base = `/admin/roles/teams/${team.teamId}`;

    expect(await page.locator(`tr[data-role="${sys.key}"] td`).first().textContent()).toBe(XSS);
    expect(await injected()).toBe(0);
    await page.goto(`${t.url}/admin/roles/system/${sys.key}`);
    expect(await page.locator("h1").textContent()).toBe(XSS);
    expect(await page.getByLabel("Name", { exact: true }).inputValue()).toBe(XSS);
    expect(await injected()).toBe(0);
    // a refused save shows the form back as sent
    await page.getByRole("checkbox", { name: /See users/ }).uncheck();
    await page.getByRole("button", { name: "Save role" }).click();
    await page.waitForLoadState();
    expect(await page.locator(".field-error").textContent()).toBe("Choose at least one permission.");
    expect(await page.getByLabel("Name", { exact: true }).inputValue()).toBe(XSS);
    expect(await injected()).toBe(0);

    await page.goto(`${t.url}/admin/roles/teams?q=${encodeURIComponent(XSS)}`);
    expect(await page.getByLabel("Team name or slug").inputValue()).toBe(XSS);
    expect(await page.locator(`tr[data-team="${team.teamId}"] td`).first().textContent()).toBe(XSS);
    expect(await injected()).toBe(0);

    await page.goto(`${t.url}${base}`);
    expect(await page.locator("h1").textContent()).toBe(`Roles of ${XSS}`);
    expect(await page.locator(`li[data-role="${team.role.id}"] strong`).textContent()).toBe(XSS);
    expect(await injected()).toBe(0);
    // creating a second role with the same name is refused and shows the name back
    await page.getByLabel("Name", { exact: true }).fill(XSS);
    await page.getByRole("button", { name: "Create role" }).click();
    await page.waitForLoadState();
    expect(await page.locator(".field-error").textContent()).toBe(`This team already has a role called "${XSS}".`);
    expect(await injected()).toBe(0);

    await page.goto(`${t.url}${base}/${team.role.id}`);
    expect(await page.locator("h1").textContent()).toBe(XSS);
    expect(await page.locator(".subtitle").textContent()).toContain(`A role of ${XSS}`);
    expect(await page.getByLabel("Name", { exact: true }).inputValue()).toBe(XSS);
    expect(await injected()).toBe(0);

    await page.getByRole("link", { name: /^Delete / }).click();
    await page.waitForURL((u) => u.pathname === `${base}/${team.role.id}/delete`);
    expect(await page.locator(".section p").first().textContent()).toBe(
      `Delete the role ${XSS} of the team ${XSS}? Pending invitations with this role are withdrawn. This cannot be undone.`,
    );
    expect(await page.getByRole("button", { name: `Delete ${XSS}` }).isVisible()).toBe(true);
    expect(await injected()).toBe(0);
    await page.screenshot({ path: `${SCREENSHOTS}admin-roles-xss-1280x800-light.png`, fullPage: true });
  });
});
