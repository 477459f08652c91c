// The admin Teams screens in a real chromium against a real Gatehouse: an admin signs in through the real login,
// searches the team list, opens a team, changes a member's role and removes another member through the
// confirmation page, at phone and desktop widths (screenshots in test-artifacts/screenshots/admin-team*-*.png),
// with no sideways scroll; and the XSS check: a team named `"><svg onload=alert(1)>` with a member of that display
// name, shown on the list, the team page and the confirmation pages, runs no script (no dialog, no CSP violation:
// the harness checks both after each test) and injects no element: the markup shows as text.
import { describe, it, expect, beforeAll } from "vitest";
import type { Page } from "playwright-core";
import type { TestApp } from "../helpers/test-app.ts";
import { teamWithMembers } from "../helpers/team-flow.ts";
import { adminNav, useAdminBrowser } from "./admin-harness.ts";
import { SCREENSHOTS, VIEWPORTS } from "./screens.ts";

const XSS = `"><svg onload=alert(1)>`;

describe("admin teams pages in chromium", { timeout: 120_000 }, () => {
  const h = useAdminBrowser();
  let t: TestApp;
  beforeAll(() => {
    t = h.t;
  });

  const noSideways = async (page: Page, width: number) =>
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
  const roleOf = async (teamId: string, userId: string) => (await t.app.queries.teams.membership(teamId, userId))?.role.key ?? null;

  it("walks the list to a team, changes a member's role, removes a member after the confirmation, at phone and desktop widths", async () => {
    for (const viewport of VIEWPORTS) {
      const tag = `walk${viewport.width}x${Date.now().toString(36)}`;
      const {
        teamId,
        name,
        owner,
        members: [developer, leaving],
      } = await teamWithMembers(t, tag, "developer", "developer");
      const size = `${viewport.width}x${viewport.height}`;
      const page = await h.newPage({ viewport });
      await h.signInAsAdmin(page, "/admin/teams");
      expect(await (await adminNav(page)).getByRole("link", { name: "Teams" }).getAttribute("aria-current")).toBe("page");
      await page.getByLabel("Name or slug").fill(tag);
      await page.getByRole("button", { name: "Search" }).click();
      await page.waitForURL((u) => u.searchParams.get("q") === tag);
      expect(await page.locator("tbody tr").count()).toBe(1);
      await noSideways(page, viewport.width);
      await page.screenshot({ path: `${SCREENSHOTS}admin-teams-${size}-light.png`, fullPage: true });

      await page.getByRole("link", { name }).click();
      await page.waitForURL((u) => u.pathname === `/admin/teams/${teamId}`);
      expect(await page.locator("h1").textContent()).toBe(name);
      expect(await page.locator(`tr[data-member="${owner.id}"]`).getByRole("button").count()).toBe(0);
      await noSideways(page, viewport.width);
      await page.screenshot({ path: `${SCREENSHOTS}admin-team-${size}-light.png`, fullPage: true });

      await page.getByLabel(`Role of ${developer!.username}`).selectOption({ label: "Manager" });
      await page.locator(`tr[data-member="${developer!.id}"]`).getByRole("button", { name: "Change role" }).click();
      await page.waitForURL((u) => u.searchParams.get("notice") === "role_changed");
      expect(await page.getByRole("status").textContent()).toContain("The member's role was changed.");
      expect(await page.locator(`tr[data-member="${developer!.id}"] td`).nth(2).textContent()).toContain("Manager");
      expect(await roleOf(teamId, developer!.id)).toBe("manager");

      await page.locator(`tr[data-member="${leaving!.id}"]`).getByRole("button", { name: "Remove…" }).click();
      await page.waitForURL((u) => u.pathname.endsWith(`/members/${leaving!.id}/remove`));
      expect(await page.locator("h1").textContent()).toBe("Remove a member");
      expect(await roleOf(teamId, leaving!.id)).toBe("developer");
      await noSideways(page, viewport.width);
      await page.screenshot({ path: `${SCREENSHOTS}admin-team-remove-${size}-light.png`, fullPage: true });
      await page.getByRole("button", { name: `Remove ${leaving!.username}` }).click();
      await page.waitForURL((u) => u.searchParams.get("notice") === "member_removed");
      expect(await page.getByRole("status").textContent()).toContain("The member was removed.");
      expect(await page.locator(`tr[data-member="${leaving!.id}"]`).count()).toBe(0);
      expect(await roleOf(teamId, leaving!.id)).toBeNull();
      await noSideways(page, viewport.width);
      await page.screenshot({ path: `${SCREENSHOTS}admin-team-removed-${size}-light.png`, fullPage: true });
    }
  });

  it("markup in a team's name and a member's display name runs no script on the list, the team page or the confirmations", async () => {
    const {
      teamId,
      members: [member],
    } = await teamWithMembers(t, "xss", "developer");
    await t.app.db.prisma.team.update({ where: { id: teamId }, data: { name: XSS } });
    await t.app.db.prisma.user.update({ where: { id: member!.id }, data: { name: XSS } });
    const page = await h.newPage();
    const injected = () => page.locator("svg[onload]").count();

    await h.signInAsAdmin(page, `/admin/teams?q=${encodeURIComponent(XSS)}`);
    expect(await page.getByLabel("Name or slug").inputValue()).toBe(XSS);
    const row = page.locator(`tr[data-team="${teamId}"]`);
    expect(await row.locator("td").first().textContent()).toBe(XSS);
    expect(await injected()).toBe(0);

    await row.getByRole("link", { name: XSS }).click();
    await page.waitForURL((u) => u.pathname === `/admin/teams/${teamId}`);
    expect(await page.locator("h1").textContent()).toBe(XSS);
    expect(await page.locator(`tr[data-member="${member!.id}"] td`).first().textContent()).toContain(XSS);
    expect(await injected()).toBe(0);

    await page.locator(`tr[data-member="${member!.id}"]`).getByRole("button", { name: "Remove…" }).click();
    await page.waitForURL((u) => u.pathname.endsWith("/remove"));
    expect(await page.locator(".admin-confirm-message").textContent()).toBe(
      `Remove ${XSS} (${member!.username}, ${member!.email}) from ${XSS}? Their role (Developer) goes, and every sign-in and token they hold for this team is revoked. Their account stays.`,
    );
    expect(await injected()).toBe(0);
    await page.screenshot({ path: `${SCREENSHOTS}admin-team-xss-remove-1280x800-light.png`, fullPage: true });
    await page.getByRole("link", { name: "Cancel" }).click();
    await page.waitForURL((u) => u.pathname === `/admin/teams/${teamId}`);

    await page.getByLabel("New Owner").selectOption(member!.id);
    await page.getByRole("button", { name: "Transfer ownership…" }).click();
    await page.waitForURL((u) => u.pathname.endsWith("/transfer"));
    expect(await page.locator(".admin-confirm-message").textContent()).toContain(
      `Ask ${XSS} (${member!.username}, ${member!.email}) to become the Owner of ${XSS}?`,
    );
    expect(await injected()).toBe(0);
    await page.screenshot({ path: `${SCREENSHOTS}admin-team-xss-transfer-1280x800-light.png`, fullPage: true });
    expect(await roleOf(teamId, member!.id)).toBe("developer");
  });
});
