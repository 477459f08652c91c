// The admin sign-in provider form's groups claim (#17 item 3: team roles from the provider's groups), through the
// admin pages with a signed-in administrator: adding a provider from its preset with only the groups claim keeps
// the preset's other claims; the edit page shows it, changes it (the claims the form does not show stay) and clears
// it; a bad claim name is a 400 with the field's message and changes nothing. The CLI's --claim help names groups.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { Command } from "commander";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser, parseForms, type Page } from "../helpers/browser.ts";
import { openAccountPage } from "../helpers/sessions.ts";
import { registerConnectorCommands } from "../../src/cli/connector-commands.ts";

describe("admin sign-in provider form: the groups claim", () => {
  let t: TestApp;
  let browser: TestBrowser;
  async function post(page: Page, action: string, fields: Record<string, string>): Promise<Page> {
    const form = parseForms(page.html, page.url).find((f) => f.action.includes(action));
    if (!form) throw new Error(`no form ${action} on ${page.url}:\n${page.html.slice(0, 1500)}`);
    const body = new URLSearchParams({ ...form.fields, ...fields }).toString();
    return browser.go(form.action, {
      init: { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", origin: t.url }, body },
    });
  }
  /** what a browser sends besides the hidden fields: the text inputs' values and the checked boxes */
  const shownFields = (page: Page) =>
    Object.fromEntries(
      [...page.html.matchAll(/<input\b[^>]*>/g)].flatMap(([input]) => {
        const attr = (n: string) => new RegExp(`\\b${n}="([^"]*)"`).exec(input)?.[1];
        const [name, type] = [attr("name"), attr("type")];
        if (!name || (type !== "text" && !(type === "checkbox" && / checked/.test(input)))) return [];
        return [
          [name, (attr("value") ?? "").replaceAll("&quot;", '"').replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&amp;", "&")],
        ];
      }),
    );
  const editWith = async (id: string, fields: Record<string, string>) => {
    const edit = await browser.go(`${t.url}/admin/connectors/${id}/edit`);
    return post(edit, "/edit", { ...shownFields(edit), ...fields });
  };
  const mappingOf = async (slug: string) => (await t.app.db.prisma.upstreamConnector.findUniqueOrThrow({ where: { slug } })).claimsMapping;

  beforeAll(async () => {
    t = await startTestApp();
    const admin = await t.createUser();
    await t.app.services.systemRoles.setUserRole(admin.id, "super_admin");
    browser = new TestBrowser(t.url);
    await openAccountPage(browser, t.url, "/admin/connectors", { identifier: admin.email, password: admin.password });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("sets, shows, changes and clears the groups claim; the preset's and the hidden claims stay", async () => {
    const form = await browser.go(`${t.url}/admin/connectors/new`);
    expect(form.html).toMatch(/<label for="claimGroups">Groups claim \(SAML: attribute\)/);
    const added = await post(form, "/admin/connectors/new", {
      preset: "github",
      slug: "gh-groups",
      clientId: "Iv1.groups",
      clientSecret: "groups-secret-1",
      claimGroups: "teams",
    });
    expect(added.status).toBe(200);
    expect(await mappingOf("gh-groups")).toEqual({ subject: "id", email: "email", name: "name", username: "login", groups: "teams" });

    const id = (await t.app.db.prisma.upstreamConnector.findUniqueOrThrow({ where: { slug: "gh-groups" } })).id;
    const edit = await browser.go(`${t.url}/admin/connectors/${id}/edit`);
    expect(edit.html).toMatch(/<input id="claimGroups" name="claimGroups" type="text" maxlength="100" value="teams">/);
    expect((await editWith(id, { claimGroups: "org:teams" })).status).toBe(200);
    expect(await mappingOf("gh-groups")).toEqual({ subject: "id", email: "email", name: "name", username: "login", groups: "org:teams" });

    const bad = await editWith(id, { claimGroups: "two words" });
    expect(bad.status).toBe(400);
    expect(bad.html).toContain("a claim name (letters, digits, _ . : -)");
    expect(await mappingOf("gh-groups")).toMatchObject({ groups: "org:teams" });

    expect((await editWith(id, { claimGroups: "" })).status).toBe(200);
    expect(await mappingOf("gh-groups")).toEqual({ subject: "id", email: "email", name: "name", username: "login" });
    const updates = await t.app.db.prisma.auditEvent.count({
      where: { type: "connector.updated", data: { path: ["changed"], array_contains: ["claimsMapping"] } },
    });
    expect(updates).toBe(2);
  });

  it("the CLI's --claim help names the groups claim", () => {
    const program = new Command();
    registerConnectorCommands(program, () => {});
    const create = program.commands.find((c) => c.name() === "connectors")!.commands.find((c) => c.name() === "create")!;
    expect(create.helpInformation()).toMatch(/groups=roles/);
  });
});
