// The admin console's chrome and people screens in German and French (#18): a German browser (Accept-Language)
// gets the dashboard, the users list, a user's page, its confirmation page and notice, the teams list, a team's page
// and its confirmation page, and the audit log in German (lang="de", the sidebar, breadcrumbs, sort headers, dates in
// German words, refusals), with none of a handful of known English phrases left; the `lang` cookie (the footer's
// switcher) gives French; an English browser still gets English.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser, LanguageBrowser, type Page } from "../helpers/browser.ts";
import { openAccountPage } from "../helpers/sessions.ts";
import { addMember, createTeam, type TestTeam } from "../helpers/team-flow.ts";

const lang = (html: string) => /<html lang="([a-z]+)"/.exec(html)?.[1];
/** the page's visible text (tags, scripts and comments out, entities of quotes decoded) */
const text = (html: string) =>
  html
    .replace(/<script[\s\S]*?<\/script>/g, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");
/** English words of the admin chrome and people screens that a German page must not show */
const ENGLISH = [
  "Your account",
  "Audit log",
  "Sign-in providers",
  "Signing keys",
  "First page",
  "Next page",
  "No users match",
  "Email or username",
  "System role",
  "Last sign-in",
  "Trusted devices",
  "Recent audit events",
  "Sign out everywhere",
  "Send password-reset email",
  "Live sessions",
  "Disabled users",
  "Show range",
  "Successful sign-ins",
  "Download these events",
  "Event type",
  "Include read access",
  "Members of",
  "Ownership",
  "Require a second factor",
  "Transfer ownership",
  "Cancel",
  "Search by part",
  "newest first",
];
const leftEnglish = (page: Page) => ENGLISH.filter((phrase) => text(page.html).includes(phrase));

describe("the admin people screens in German and French", { timeout: 90_000 }, () => {
  let t: TestApp;
  let german: LanguageBrowser;
  let adminCreds: { identifier: string; password: string };
  let target: { id: string; email: string; username: string };
  let member: { id: string; username: string };
  let team: TestTeam;

  beforeAll(async () => {
    t = await startTestApp();
    const admin = await t.createUser();
    await t.app.services.systemRoles.setUserRole(admin.id, "super_admin");
    adminCreds = { identifier: admin.email, password: admin.password };
    target = await t.createUser();
    const m = await t.createUser();
    member = { id: m.id, username: m.username };
    team = await createTeam(t, target.id);
    await addMember(t, team, member.id);
    await t.app.services.audit.record({
      type: "login.failed",
      outcome: "failure",
      userId: target.id,
      ip: "203.0.113.9",
      userAgent: null,
      data: {},
    });
    german = new LanguageBrowser(t.url, "de-DE,de;q=0.9,en;q=0.5");
    await openAccountPage(german, t.url, "/admin/users", adminCreds);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("the dashboard and its refusal", async () => {
    const page = await german.go(`${t.url}/admin/dashboard?range=24h`);
    expect(page.status).toBe(200);
    expect(lang(page.html)).toBe("de");
    const body = text(page.html);
    for (const words of [
      "Übersicht",
      "Aktive Sitzungen",
      "Deaktivierte Benutzer",
      "Letzte 24 Stunden",
      "Erfolgreiche Anmeldungen",
      "Anmeldungen pro Stunde",
      "Zeitraum anzeigen",
      "Erfolgreich",
      "Fehlgeschlagen",
    ])
      expect(body, words).toContain(words);
    expect(page.html).toMatch(/<title id="logins-chart-title">Anmeldungen pro Stunde<\/title>/);
    expect(page.html).toMatch(/<desc id="logins-chart-desc">Anmeldungen pro Stunde von /);
    expect(leftEnglish(page)).toEqual([]);
    const bad = await german.go(`${t.url}/admin/dashboard?range=1y`);
    expect(bad.status).toBe(400);
    expect(text(bad.html)).toContain("Dieser Zeitraum kann nicht angezeigt werden: Unbekannter Zeitraum „1y“");
  });

  it("the users list: sidebar, breadcrumbs, sort headers and search in German", async () => {
    const page = await german.go(`${t.url}/admin/users`);
    expect(lang(page.html)).toBe("de");
    expect(page.html).toContain("<title>Benutzer · Gatehouse</title>");
    expect(page.html).toContain('<h1 id="users-heading">Benutzer</h1>');
    expect(page.html).toMatch(/<a href="\/admin\/audit">Audit-Protokoll<\/a>/);
    expect(page.html).toMatch(/<a href="\/admin\/connectors">Anmeldedienste<\/a>/);
    expect(page.html).toContain('<a href="/account">Ihr Konto</a>');
    expect(page.html).toMatch(/<a href="\/admin">Verwaltung<\/a>/);
    expect(page.html).toMatch(/aria-sort="descending"><a href="[^"]+">Erstellt/);
    expect(text(page.html)).toContain("E-Mail-Adresse oder Benutzername");
    expect(leftEnglish(page)).toEqual([]);
    const refused = await german.go(`${t.url}/admin/users?team=no-such-team`);
    expect(refused.status).toBe(400);
    expect(text(refused.html)).toContain("Es gibt kein Team mit dem Kurznamen „no-such-team“.");
  });

  it("a user's page with German dates, its confirmation page and the notice after the action", async () => {
    const page = await german.go(`${t.url}/admin/users/${target.id}`);
    expect(page.status).toBe(200);
    expect(lang(page.html)).toBe("de");
    const body = text(page.html);
    for (const words of [
      "Profil",
      "Anzeigename",
      "Letzte Anmeldung",
      "Vertrauenswürdige Geräte",
      "Letzte Audit-Ereignisse",
      "Überall abmelden…",
      "Fehlschlag",
      "nicht gesperrt",
    ])
      expect(body, words).toContain(words);
    expect(page.html).toContain(`<title>Benutzer ${target.username} · Gatehouse</title>`);
    expect(body).toMatch(/\d{1,2}\. (Jan|Feb|März|Apr|Mai|Juni|Juli|Aug|Sept|Okt|Nov|Dez)\.? \d{4}/); // tDate in German words
    expect(leftEnglish(page)).toEqual([]);

    const confirm = await german.submit(page, `/admin/users/${target.id}/disable`, {});
    expect(lang(confirm.html)).toBe("de");
    expect(confirm.html).toContain('<h1 id="confirm-heading">Benutzer deaktivieren</h1>');
    expect(text(confirm.html)).toContain(`${target.username} (${target.email}) deaktivieren? Eine Anmeldung ist dann nicht mehr möglich`);
    expect(confirm.html).toContain(">Abbrechen</a>");
    expect(leftEnglish(confirm)).toEqual([]);
    const done = await german.submit(confirm, `/admin/users/${target.id}/disable`, {});
    expect(text(done.html)).toContain("Benutzer deaktiviert; 0 Sitzungen beendet.");
    expect(text(done.html)).toContain("deaktiviert seit");
    await t.app.services.userAdmin.enable(target.id, { actorId: "cli", via: "cli" });
  });

  it("the teams list, a team's page and its confirmation page", async () => {
    const list = await german.go(`${t.url}/admin/teams`);
    expect(lang(list.html)).toBe("de");
    expect(text(list.html)).toContain("Name oder Kurzname");
    expect(list.html).toMatch(/<th scope="col">Inhaber<\/th>/);
    expect(leftEnglish(list)).toEqual([]);

    const page = await german.go(`${t.url}/admin/teams/${team.id}`);
    expect(lang(page.html)).toBe("de");
    const body = text(page.html);
    for (const words of [
      "2 Mitglieder",
      "Entwickler",
      "Inhaberschaft",
      "Zweiten Faktor verlangen",
      "Nur durch eine Übertragung der Inhaberschaft änderbar",
      "Neuer Inhaber",
    ])
      expect(body, words).toContain(words);
    expect(leftEnglish(page)).toEqual([]);
    const confirm = await german.submit(page, `/admin/teams/${team.id}/members/${member.id}/remove`, {});
    expect(confirm.html).toContain('<h1 id="confirm-heading">Mitglied entfernen</h1>');
    expect(text(confirm.html)).toContain(`${member.username} entfernen`);
    expect(leftEnglish(confirm)).toEqual([]);
  });

  it("the audit log and its refused filter", async () => {
    const page = await german.go(`${t.url}/admin/audit`);
    expect(lang(page.html)).toBe("de");
    const body = text(page.html);
    for (const words of [
      "Audit-Protokoll",
      "Ereignistyp",
      "Filtern",
      "Diese Ereignisse als CSV herunterladen",
      "Zeit",
      "Handelnder",
      "Fehlschlag",
    ])
      expect(body, words).toContain(words);
    expect(page.html).toMatch(
      /<th scope="col" class="sortable" aria-sort="descending"><a href="\/admin\/audit\?sort=time&amp;dir=asc">Zeit/,
    );
    expect(leftEnglish(page)).toEqual([]);
    const refused = await german.go(`${t.url}/admin/audit?user=nobody@example.test`);
    expect(refused.status).toBe(400);
    expect(text(refused.html)).toContain(
      "Diese Filter können nicht verwendet werden: Kein Benutzer hat die E-Mail-Adresse nobody@example.test.",
    );
  });

  it("the lang cookie gives French; an English browser keeps English", async () => {
    const french = new TestBrowser(t.url);
    await openAccountPage(french, t.url, "/admin/users", adminCreds);
    await french.go(`${t.url}/language?set=fr`);
    const users = await french.go(`${t.url}/admin/users`);
    expect(lang(users.html)).toBe("fr");
    expect(users.html).toContain('<h1 id="users-heading">Utilisateurs</h1>');
    expect(users.html).toContain("Journal d’audit");
    expect(text(users.html)).toContain("Adresse e-mail ou nom d’utilisateur");
    expect(leftEnglish(users)).toEqual([]);
    const audit = await french.go(`${t.url}/admin/audit`);
    expect(text(audit.html)).toContain("Télécharger ces événements au format CSV");

    const english = new TestBrowser(t.url);
    await openAccountPage(english, t.url, "/admin/users", adminCreds);
    const en = await english.go(`${t.url}/admin/users`);
    expect(lang(en.html)).toBe("en");
    expect(en.html).toContain('<h1 id="users-heading">Users</h1>');
    expect(en.html).toContain('<a href="/account">Your account</a>');
    expect(text(en.html)).toContain("Email or username");
    expect(en.html).toMatch(/<a href="\/admin\/audit">Audit log<\/a>/);
  });
});
