// A team's own pages in the browser's language (issue #18 item 5): a German browser gets the members, roles, role
// editor, invitations, ownership transfer, confirmation and single sign-on pages in German (lang="de"), with the
// built-in roles' names, Gatehouse's own permission labels, the routes' notices, the services' fixed refusals and the
// 404/403 error pages in German, dates in German words, and none of a handful of English phrases left; a French
// browser gets French; an English browser still gets the English pages, a custom role's name stays as typed.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { startTestApp, uniqueEmail, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser, LanguageBrowser, type Page } from "../helpers/browser.ts";
import { openAccountPage } from "../helpers/sessions.ts";

const lang = (html: string) => /<html lang="([a-z]+)"/.exec(html)?.[1];
/** the visible English of the team pages that must not show on a German or French one */
const ENGLISH = [
  "Team members",
  "Your role:",
  "Change role",
  "Remove…",
  ">Owner<",
  ">Developer<",
  "Team roles",
  "New role",
  "Wildcard grants",
  "See the team and its members",
  "Invite someone",
  "Pending invitations",
  "Send invitation",
  "Transfer ownership",
  "Choose the new Owner",
  "Domains and single sign-on",
  "Add a domain",
  ">Cancel<",
  "each with one role",
  "built in",
  "expires ",
];
const noEnglish = (page: Page) => ENGLISH.filter((phrase) => page.html.includes(phrase));

describe("a team's pages in German and French", { timeout: 90_000 }, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  let n = 0;
  /** a team with its Owner, a Developer and a Manager */
  async function team() {
    const owner = await t.createUser();
    const slug = `lang-${Date.now().toString(36)}-${++n}`;
    const created = await t.app.services.teams.createTeam(owner.id, { name: `Sprachen ${n}`, slug });
    if (created.outcome !== "created") throw new Error("team not created");
    const join = async (key: string) => {
      const user = await t.createUser();
      await t.app.queries.teams.addMember(created.teamId, user.id, (await t.app.queries.teams.roleByKey(created.teamId, key))!.id);
      return user;
    };
    return { teamId: created.teamId, slug, owner, developer: await join("developer"), manager: await join("manager") };
  }
  const signIn = async (browser: TestBrowser, user: { email: string; password: string }, path: string) =>
    openAccountPage(browser, t.url, path, { identifier: user.email, password: user.password });

  it("the members, roles and role editor pages are German, built-in role names and Gatehouse's permissions included", async () => {
    const { teamId, slug, owner, developer } = await team();
    const browser = new LanguageBrowser(t.url, "de-DE,de;q=0.9,en;q=0.5");
    const members = await signIn(browser, owner, `/account/teams/${slug}`);
    expect(members.status).toBe(200);
    expect(lang(members.html)).toBe("de");
    expect(members.html).toContain(`<h1 id="members-heading">Teammitglieder</h1>`);
    expect(members.html).toContain("3 Mitglieder mit je einer Rolle.");
    expect(members.html).toContain(`<title>Sprachen ${n}: Mitglieder · Gatehouse</title>`);
    expect(members.html).toContain(`aria-label="Team"`);
    expect(members.html).toContain(">Inhaberschaft übertragen</a>");
    expect(members.html).toContain(`Ihre Rolle: <span class="badge badge-off">Inhaber</span>`);
    expect(members.html).toContain(`<span class="badge badge-off">Entwickler</span>`);
    expect(members.html).toContain(`<span class="badge badge-off">Sie</span>`);
    expect(members.html).toContain(">Rolle ändern</button>");
    expect(noEnglish(members)).toEqual([]);

    const roles = await browser.go(`${t.url}/account/teams/${slug}/roles`);
    expect(lang(roles.html)).toBe("de");
    expect(roles.html).toContain(`<h1 id="roles-heading">Teamrollen</h1>`);
    expect(roles.html).toContain("<p>Jede Berechtigung (<code>*</code>).</p>");
    expect(roles.html).toContain("<li>Das Team und seine Mitglieder sehen</li>");
    expect(roles.html).toContain("<legend>Abrechnung</legend>");
    expect(roles.html).toContain("ein registriertes Präfix mit <code>*</code>, etwa <code>acme.blog.*</code>.");
    expect(roles.html).toContain(">integriert</span>");
    expect(noEnglish(roles)).toEqual([]);

    // a custom role keeps its name; the notice is German
    const created = await browser.submit(roles, `/account/teams/${slug}/roles`, {
      name: "Redaktion",
      permissions: "gatehouse.team.read",
      wildcards: "",
    });
    expect(created.status).toBe(200);
    expect(created.html).toContain("Die Rolle Redaktion wurde angelegt.");
    // a service's refusal with a value (its message key and the value) is German too
    const taken = await browser.submit(roles, `/account/teams/${slug}/roles`, { name: "Redaktion", wildcards: "" });
    expect(taken.status).toBe(400);
    expect(taken.html).toContain("Dieses Team hat bereits eine Rolle namens „Redaktion“.");
    // a service's fixed refusal is German on the page
    const short = await browser.submit(roles, `/account/teams/${slug}/roles`, { name: "x", wildcards: "" });
    expect(short.status).toBe(400);
    expect(short.html).toContain("Rollennamen haben 2 bis 48 Zeichen.");

    const developerRole = (await t.app.queries.teams.roleByKey(teamId, "developer"))!;
    const edit = await browser.go(`${t.url}/account/teams/${slug}/roles/${developerRole.id}`);
    expect(lang(edit.html)).toBe("de");
    expect(edit.html).toContain(`<h1 id="role-heading">Entwickler</h1>`);
    expect(edit.html).toContain("Entwickler ist integriert: Die Rolle lässt sich bearbeiten, aber nicht löschen.");
    expect(edit.html).toContain(">Rolle speichern</button>");
    expect(noEnglish(edit)).toEqual([]);

    // the refusal and not-found pages of a team are German too
    const devBrowser = new LanguageBrowser(t.url, "de");
    await signIn(devBrowser, developer, `/account/teams/${slug}`);
    const forbidden = await devBrowser.go(`${t.url}/account/teams/${slug}/roles/${developerRole.id}`);
    expect(forbidden.status).toBe(403);
    expect(lang(forbidden.html)).toBe("de");
    expect(forbidden.html).toContain("Ihre Rolle erlaubt Ihnen nicht, die Rollen dieses Teams zu verwalten.");
    const missing = await devBrowser.go(`${t.url}/account/teams/no-such-team-${n}`);
    expect(missing.status).toBe(404);
    expect(missing.html).toContain("Dieses Team gibt es nicht, oder Sie sind kein Mitglied davon.");
  });

  it("invitations, the confirmation step, ownership transfer and single sign-on are German, dates in German words", async () => {
    const { teamId, slug, owner, developer } = await team();
    const browser = new LanguageBrowser(t.url, "de");
    const invitations = await signIn(browser, owner, `/account/teams/${slug}/invitations`);
    expect(lang(invitations.html)).toBe("de");
    expect(invitations.html).toContain(`<h2>Jemanden einladen</h2>`);
    const invalid = await browser.submit(invitations, "/invitations", { email: "not an address", roleId: "x" });
    expect(invalid.status).toBe(400);
    expect(invalid.html).toContain("Geben Sie eine gültige E-Mail-Adresse ein.");
    const email = uniqueEmail("eingeladen");
    const developerRole = (await t.app.queries.teams.roleByKey(teamId, "developer"))!;
    const sent = await browser.submit(invitations, "/invitations", { email, roleId: developerRole.id });
    expect(sent.status).toBe(200);
    expect(sent.html).toContain(`Eine Einladung wurde an ${email} gesendet.`);
    expect(sent.html).toContain("<h2>Offene Einladungen</h2>");
    // "läuft ab am 14. Dez. 2026, 14:05 UTC": German words for the date, in UTC (the account has no time zone)
    expect(sent.html).toMatch(/läuft ab am \d{1,2}\. [A-ZÄÖÜ][a-zäöü]+\.? \d{4}(, | um )\d{2}:\d{2} UTC/);
    expect(noEnglish(sent)).toEqual([]);

    const revoke = await browser.submit(sent, "/revoke", {});
    expect(lang(revoke.html)).toBe("de");
    expect(revoke.html).toContain(`<h1 id="confirm-heading">Eine Einladung widerrufen</h1>`);
    expect(revoke.html).toContain(`Die Einladung von ${email} als Entwickler widerrufen?`);
    expect(revoke.html).toContain(">Abbrechen</a>");
    const revoked = await browser.submit(revoke, "/revoke", {});
    expect(revoked.html).toContain(`Die Einladung von ${email} wurde widerrufen.`);

    const transfer = await browser.go(`${t.url}/account/teams/${slug}/transfer`);
    expect(lang(transfer.html)).toBe("de");
    expect(transfer.html).toContain(`<h1 id="transfer-heading">Inhaberschaft übertragen</h1>`);
    expect(transfer.html).toContain("Den neuen Inhaber wählen");
    expect(noEnglish(transfer)).toEqual([]);
    const ask = await browser.submit(transfer, "/transfer", { toUserId: developer.id });
    expect(ask.html).toContain(`(${developer.email}) bitten, Inhaber von Sprachen ${n} zu werden?`);
    expect(ask.html).toContain(`>Übertragung an ${developer.username} senden</button>`);
    const stranger = await browser.submit(transfer, "/transfer", { toUserId: owner.id, confirm: "yes" });
    expect(stranger.status).toBe(400);
    expect(stranger.html).toContain("Wählen Sie ein Mitglied dieses Teams.");

    // the emailed link's page, with a link that is not valid
    const link = await browser.go(`${t.url}/account/teams/${slug}/transfer/accept/${"x".repeat(32)}`);
    expect(link.status).toBe(400);
    expect(lang(link.html)).toBe("de");
    expect(link.html).toContain("Übertragung nicht verfügbar");
    expect(link.html).toContain("Dieser Link zur Übertragung der Inhaberschaft ist ungültig.");

    const sso = await browser.go(`${t.url}/account/teams/${slug}/sso`);
    expect(lang(sso.html)).toBe("de");
    expect(sso.html).toContain(`<h1 id="sso-heading">Domains und Single Sign-on</h1>`);
    const domain = `sprachen-${n}-${Date.now().toString(36)}.example.com`;
    const added = await browser.submit(sso, "/sso/domains", { domain });
    expect(added.status).toBe(201);
    expect(added.html).toContain(`Veröffentlichen Sie den angezeigten TXT-Eintrag für ${domain}`);
    expect(added.html).toContain(">Nicht bestätigt</span>");
    expect(added.html).toContain(`>${domain} bestätigen</button>`);
    expect(noEnglish(added)).toEqual([]);
  });

  it("a French browser gets French team pages", async () => {
    const { slug, owner } = await team();
    const browser = new LanguageBrowser(t.url, "fr-FR,fr;q=0.9");
    const members = await signIn(browser, owner, `/account/teams/${slug}`);
    expect(lang(members.html)).toBe("fr");
    expect(members.html).toContain(`<h1 id="members-heading">Membres de l’équipe</h1>`);
    expect(members.html).toContain(`Votre rôle : <span class="badge badge-off">Propriétaire</span>`);
    expect(members.html).toContain(`<span class="badge badge-off">Gestionnaire</span>`);
    expect(noEnglish(members)).toEqual([]);
    const roles = await browser.go(`${t.url}/account/teams/${slug}/roles`);
    expect(roles.html).toContain(`<h1 id="roles-heading">Rôles de l’équipe</h1>`);
    expect(roles.html).toContain("<li>Voir l’équipe et ses membres</li>");
    expect(noEnglish(roles)).toEqual([]);
  });

  it("an English browser still gets the English pages; a renamed built-in role shows its team's name", async () => {
    const { teamId, slug, owner } = await team();
    const developerRole = (await t.app.queries.teams.roleByKey(teamId, "developer"))!;
    const renamed = await t.app.services.teamRoles.update(teamId, owner.id, developerRole.id, {
      name: "Engineer",
      permissions: developerRole.permissions,
    });
    expect(renamed.outcome).toBe("updated");
    const browser = new LanguageBrowser(t.url, "en-US,en;q=0.9");
    const members = await signIn(browser, owner, `/account/teams/${slug}`);
    expect(lang(members.html)).toBe("en");
    expect(members.html).toContain(`<h1 id="members-heading">Team members</h1>`);
    expect(members.html).toContain(`Your role: <span class="badge badge-off">Owner</span>`);
    expect(members.html).toContain(`<span class="badge badge-off">Engineer</span>`);
    expect(members.html).toContain("3 members, each with one role.");
    const german = new LanguageBrowser(t.url, "de");
    const inGerman = await signIn(german, owner, `/account/teams/${slug}`);
    expect(inGerman.html).toContain(`<span class="badge badge-off">Engineer</span>`);
    expect(inGerman.html).not.toContain("Entwickler");
  });
});
