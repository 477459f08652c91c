// The admin console in a real chromium against a real Gatehouse (useAdminBrowser: signed in through the real
// login, CSP violations and dialogs checked to be none after each test):
// - the audit log: a full-width table at 1280 px with compact rows (time, event, the acting admin by email with a
//   link, the target, IP, a short device), details in a <details> that opens without JavaScript, filters (event
//   type, actor, dates) kept in the URL, pages, and read access (user.viewed / user.searched) hidden unless asked;
// - the console layout: the sidebar with the current section marked (aria-current) beside the content at 1280 px,
//   a Menu that opens without JavaScript at 360 px, breadcrumbs; no sideways scroll, light and dark, screenshots in
//   test-artifacts/screenshots/admin-console-*.png;
// - the permission matrix: system roles × admin permissions on /admin/roles and a team's roles × team permissions,
//   grouped by tab, wildcards and Owner's "everything" resolved, read only.
import { describe, it, expect, beforeAll } from "vitest";
import type { Page } from "playwright-core";
import type { TestApp } from "../helpers/test-app.ts";
import { useAdminBrowser } from "./admin-harness.ts";
import { SCREENSHOTS, VIEWPORTS, SCHEMES } from "./screens.ts";

const FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";

describe("admin console in chromium", { timeout: 180_000 }, () => {
  const h = useAdminBrowser();
  let t: TestApp;
  let victim: { id: string; email: string };
  const tag = `c${Date.now().toString(36)}`;
  const noSideways = async (page: Page, width: number) =>
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);

  beforeAll(async () => {
    t = h.t;
    victim = await t.createUser();
    const insert = t.app.queries.auditEvents.insert;
    for (let i = 0; i < 55; i++) await insert({ type: `${tag}.page`, outcome: "success", userId: victim.id, data: { i } });
    await insert({
      type: `${tag}.login`,
      outcome: "failure",
      userId: victim.id,
      ip: "203.0.113.9",
      userAgent: FIREFOX,
      data: { reason: "bad_password", attempt: 3 },
    });
    await insert({
      type: `${tag}.disabled`,
      outcome: "success",
      userId: victim.id,
      actorId: h.admin.id,
      ip: "198.51.100.4",
      userAgent: FIREFOX,
      data: { reason: "left the company" },
    });
    await insert({
      type: "user.viewed",
      outcome: "success",
      userId: victim.id,
      actorId: h.admin.id,
      ip: "198.51.100.4",
      data: { marker: tag },
    });
  });

  it("the audit log at 1280 px: full width, compact rows, actor by email with a link, short device, details on demand", async () => {
    const page = await h.newPage();
    await h.signInAsAdmin(page, `/admin/audit?type=${tag}.`);
    const rows = page.locator("tr[data-event]");
    expect(await rows.count()).toBe(50);
    const table = await page.locator("table.admin-audit-table").boundingBox();
    expect(table!.width).toBeGreaterThan(900);
    // every column in view: the table needs no scrolling of its own at this width
    expect(await page.locator(".admin-table-wrap").evaluate((w) => w.scrollWidth - w.clientWidth)).toBeLessThanOrEqual(0);
    // compact: no row is taller than two lines of text
    const heights = await rows.evaluateAll((trs) => trs.map((tr) => tr.getBoundingClientRect().height));
    expect(Math.max(...heights)).toBeLessThan(60);

    const disabled = page.locator("tr[data-event]", { hasText: `${tag}.disabled` });
    await expect(disabled.locator('[data-col="actor"] a').getAttribute("href")).resolves.toBe(`/admin/users/${h.admin.id}`);
    expect(await disabled.locator('[data-col="actor"] a').textContent()).toBe(h.admin.email);
    await expect(disabled.locator('[data-col="target"] a').getAttribute("href")).resolves.toBe(`/admin/users/${victim.id}`);
    expect(await disabled.locator('[data-col="device"]').textContent()).toBe("Firefox 128 on Linux");
    expect(await disabled.locator('[data-col="ip"]').textContent()).toBe("198.51.100.4");
    // the user's own event has no actor column entry; a failure carries a badge
    const login = page.locator("tr[data-event]", { hasText: `${tag}.login` });
    expect(await login.locator('[data-col="actor"]').textContent()).toBe("—");
    expect(await login.locator(".badge").textContent()).toBe("failure");

    // the details: closed, then the full user agent and the data in a row of their own, the width of the table
    const group = page.locator("tbody.admin-audit-group", { has: disabled });
    const ua = group.locator(".admin-audit-ua");
    expect(await ua.isVisible()).toBe(false);
    await disabled.getByText("Details").click();
    expect(await ua.isVisible()).toBe(true);
    expect(await ua.textContent()).toBe(FIREFOX);
    expect(JSON.parse((await group.locator(".admin-audit-json").textContent())!)).toEqual({ reason: "left the company" });
    expect((await group.locator(".admin-audit-more td").boundingBox())!.width).toBeGreaterThan(900);
    await noSideways(page, 1280);
    await page.screenshot({ path: `${SCREENSHOTS}admin-console-audit-details-1280x800-light.png` });

    // the next page keeps the filter; Newest leads back
    await page.getByRole("link", { name: "Next page" }).click();
    await page.waitForURL((u) => u.searchParams.has("cursor") && u.searchParams.get("type") === `${tag}.`);
    expect(await rows.count()).toBe(7);
    await page.getByRole("link", { name: "Newest" }).click();
    await page.waitForURL((u) => !u.searchParams.has("cursor") && u.searchParams.get("type") === `${tag}.`);
    expect(await rows.count()).toBe(50);
  });

  it("read access is hidden unless asked; the actor and date filters stay in the URL", async () => {
    const page = await h.newPage();
    await h.signInAsAdmin(page, "/admin/audit");
    const typesShown = () => page.locator("tr[data-event] .admin-audit-event code").allTextContents();
    // signing in and opening pages wrote no read-access row that shows here
    expect(await typesShown()).not.toContain("user.viewed");
    await page.getByLabel("Actor (id or email)").fill(h.admin.email);
    const today = new Date().toISOString().slice(0, 10);
    await page.getByLabel("From (date)").fill(today);
    await page.getByLabel("To (date, included)").fill(today);
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL(
      (u) => u.searchParams.get("actor") === h.admin.email && u.searchParams.get("from") === today && u.searchParams.get("to") === today,
    );
    expect(await typesShown()).toEqual([`${tag}.disabled`]);
    // with read access: the admin's view of the user too, newest first
    await page.getByLabel("Include read access (user.viewed, user.searched)").check();
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL((u) => u.searchParams.get("reads") === "1" && u.searchParams.get("actor") === h.admin.email);
    expect(await typesShown()).toEqual(["user.viewed", `${tag}.disabled`]);
    // the export link carries the same filters
    const exportHref = await page.locator("a[data-export]").getAttribute("href");
    expect(new URL(exportHref!, t.url).searchParams.get("reads")).toBe("1");
    // a user's page lists their recent events without the views of that very page
    await page.goto(`${t.url}/admin/users/${victim.id}`);
    await page.goto(`${t.url}/admin/users/${victim.id}`);
    const recent = await page.getByRole("region", { name: "Recent audit events" }).locator("tbody tr td:nth-child(2)").allTextContents();
    expect(recent).toContain(`${tag}.disabled`);
    expect(recent).not.toContain("user.viewed");
    expect(await page.getByRole("link", { name: "Every event of this user in the audit log" }).getAttribute("href")).toBe(
      `/admin/audit?user=${victim.id}`,
    );
    await page.goBack();
    await page.goBack();
    // an unknown actor email is refused by name
    await page.getByLabel("Actor (id or email)").fill("nobody-here@example.test");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL((u) => u.searchParams.get("actor") === "nobody-here@example.test");
    expect(await page.locator("#form-error").textContent()).toContain("No user has the email address nobody-here@example.test.");
  });

  it("the audit details open without JavaScript", async () => {
    const page = await h.newPage({ javaScriptEnabled: false });
    await h.signInAsAdmin(page, `/admin/audit?type=${tag}.disabled`);
    const group = page.locator("tbody.admin-audit-group").first();
    expect(await group.locator(".admin-audit-ua").isVisible()).toBe(false);
    await group.getByText("Details").click();
    expect(await group.locator(".admin-audit-ua").isVisible()).toBe(true);
  });

  /** the matrix as {permission code: {role key: "Granted" | "Not granted"}} */
  const matrixOf = (page: Page, id: string) =>
    page.evaluate((tableId) => {
      const table = document.getElementById(tableId)!;
      const keys = Array.from(table.querySelectorAll("thead th[data-role]")).map((th) => th.getAttribute("data-role")!);
      return Object.fromEntries(
        Array.from(table.querySelectorAll("tr[data-permission]")).map((tr) => [
          tr.getAttribute("data-permission")!,
          Object.fromEntries(
            Array.from(tr.querySelectorAll("td")).map((td, i) => [keys[i], td.querySelector(".visually-hidden")!.textContent]),
          ),
        ]),
      );
    }, id);

  it("the roles page shows a read-only matrix of system roles × admin permissions, grouped by area; a team's roles too", async () => {
    const exact = await t.app.services.systemRoles.create({
      key: `readers_${tag}`,
      name: "Readers",
      permissions: ["gatehouse.admin.users.read"],
    });
    const wild = await t.app.services.systemRoles.create({
      key: `users_${tag}`,
      name: "User desk",
      permissions: ["gatehouse.admin.users.*"],
    });
    if (exact.outcome !== "created" || wild.outcome !== "created") throw new Error("roles not created");
    for (const viewport of VIEWPORTS) {
      const page = await h.newPage({ viewport });
      await h.signInAsAdmin(page, "/admin/roles");
      const matrix = await matrixOf(page, "system-matrix-table");
      expect(matrix["gatehouse.admin.users.read"]).toMatchObject({
        super_admin: "Granted",
        [`readers_${tag}`]: "Granted",
        [`users_${tag}`]: "Granted",
      });
      expect(matrix["gatehouse.admin.users.manage"]).toMatchObject({
        super_admin: "Granted",
        [`readers_${tag}`]: "Not granted",
        [`users_${tag}`]: "Granted",
      });
      expect(matrix["gatehouse.admin.keys.manage"]).toMatchObject({
        super_admin: "Granted",
        [`readers_${tag}`]: "Not granted",
        [`users_${tag}`]: "Not granted",
      });
      expect(Object.keys(matrix).every((code) => code.startsWith("gatehouse.admin."))).toBe(true);
      const groups = await page.locator("#system-matrix-table th[scope=rowgroup]").allTextContents();
      expect(groups).toEqual(expect.arrayContaining(["Admin: users", "Admin: keys", "Admin: audit"]));
      // read only: no form control in it; the role names lead to their editors
      expect(await page.locator("#system-matrix-table input, #system-matrix-table button").count()).toBe(0);
      expect(await page.locator(`#system-matrix-table th[data-role="readers_${tag}"] a`).getAttribute("href")).toBe(
        `/admin/roles/system/readers_${tag}`,
      );
      await noSideways(page, viewport.width);
      await page
        .locator("#matrix")
        .screenshot({ path: `${SCREENSHOTS}admin-console-matrix-${viewport.width}x${viewport.height}-light.png` });
    }

    const owner = await t.createUser();
    const team = await t.app.services.teams.createTeam(owner.id, { name: `Matrix team ${tag}`, slug: `matrix-${tag}` });
    if (team.outcome !== "created") throw new Error(team.message);
    const role = await t.app.services.teamRoles.create(team.teamId, owner.id, { name: "Support", permissions: ["gatehouse.team.read"] });
    if (role.outcome !== "created") throw new Error(role.outcome);
    const page = await h.newPage();
    await h.signInAsAdmin(page, `/admin/roles/teams/${team.teamId}`);
    const matrix = await matrixOf(page, "team-matrix-table");
    expect(matrix["gatehouse.team.read"]).toMatchObject({ owner: "Granted", [role.role.key]: "Granted" });
    expect(matrix["gatehouse.team.billing.manage"]).toMatchObject({ owner: "Granted", [role.role.key]: "Not granted" });
    expect(Object.keys(matrix).some((code) => code.startsWith("gatehouse.admin."))).toBe(false);
  });

  for (const scheme of SCHEMES) {
    for (const viewport of VIEWPORTS) {
      it(`the console at ${viewport.width}x${viewport.height}, ${scheme}: sidebar or menu, current section marked, breadcrumbs, no sideways scroll`, async () => {
        const phone = viewport.width < 600;
        const page = await h.newPage({ viewport, colorScheme: scheme, javaScriptEnabled: !phone });
        await h.signInAsAdmin(page, `/admin/audit?type=${tag}.`);
        const nav = page.getByRole("navigation", { name: "Admin" });
        const menu = page.locator("summary.console-menu-toggle");
        if (phone) {
          // a Menu above the content; the sections show once it is opened (no JavaScript on this page)
          expect(await menu.isVisible()).toBe(true);
          expect(await menu.textContent()).toContain("Audit log");
          expect(await nav.count()).toBe(0);
          await page.screenshot({
            path: `${SCREENSHOTS}admin-console-audit-${viewport.width}x${viewport.height}-${scheme}.png`,
            fullPage: true,
          });
          await menu.click();
        } else {
          expect(await menu.isVisible()).toBe(false);
        }
        const current = nav.getByRole("link", { name: "Audit log" });
        expect(await current.getAttribute("aria-current")).toBe("page");
        expect(await nav.locator('[aria-current="page"]').count()).toBe(1);
        const box = await nav.boundingBox();
        const main = await page.locator("main").boundingBox();
        if (phone)
          expect(box!.y + box!.height).toBeLessThanOrEqual(main!.y + 1); // above the content
        else expect(box!.x + box!.width).toBeLessThanOrEqual(main!.x); // beside it
        expect(await page.getByRole("navigation", { name: "Breadcrumb" }).textContent()).toMatch(/Admin\s*›?\s*Audit log/);
        await noSideways(page, viewport.width);
        await page.screenshot({
          path: `${SCREENSHOTS}admin-console-${phone ? "menu-" : "audit-"}${viewport.width}x${viewport.height}-${scheme}.png`,
          fullPage: true,
        });

        // another section: marked there
        await nav.getByRole("link", { name: "Users" }).click();
        await page.waitForURL((u) => u.pathname === "/admin/users");
        expect(
          await page
            .getByRole("navigation", { name: "Admin", includeHidden: true })
            .getByRole("link", { name: "Users", includeHidden: true })
            .getAttribute("aria-current"),
        ).toBe("page");
        await noSideways(page, viewport.width);
        await page.screenshot({
          path: `${SCREENSHOTS}admin-console-users-${viewport.width}x${viewport.height}-${scheme}.png`,
          fullPage: true,
        });
        // the first screen of the roles page (the matrix on wide screens), as docs/screenshots/ shows the console
        await page.goto(`${t.url}/admin/roles${phone ? "" : "#matrix"}`);
        await page.screenshot({ path: `${SCREENSHOTS}admin-console-roles-${viewport.width}x${viewport.height}-${scheme}.png` });
      });
    }
  }
});
