// The admin console's configuration screens in German and French (#18; lib/i18n/en-admin-config.ts), through the
// real pages: an administrator whose browser asks for German gets every screen (clients, sign-in providers, signing
// keys, webhooks, outbox, branding, system and team roles) with lang="de", German headings, labels, buttons,
// notices and refusals, dates in German words, and none of a list of known English phrases in the page itself; a
// French browser gets French; an English browser still gets the English words the other tests rely on.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { LanguageBrowser } from "../helpers/browser.ts";
import { openAccountPage } from "../helpers/sessions.ts";
import { createTeam } from "../helpers/team-flow.ts";

const lang = (html: string) => /<html lang="([a-z]+)"/.exec(html)?.[1];
/** the page's own card, without the console's sidebar and breadcrumbs (another screen's words) */
const card = (html: string) => html.slice(html.indexOf('<section class="card'), html.lastIndexOf("</main>"));

/** English words of these screens that must not be left on a German page */
const ENGLISH = [
  "New client",
  "All clients",
  "Grant types",
  "Register the client",
  "Redirect URIs",
  "One per line",
  "Sign-in providers",
  "New sign-in provider",
  "Name on the button",
  "Client secret",
  "Signing keys",
  "Rotate now",
  "Algorithm",
  "Published until",
  "Register an endpoint",
  "Description (optional)",
  "Dead letters",
  "Nothing is waiting",
  "Product name",
  "Primary colour",
  "Save the branding",
  "Upload a logo",
  "System roles",
  "Permission matrix",
  "Wildcard grants",
  "Create system role",
  "Second factor",
  "Team roles",
  "Find teams",
  "Create role",
  "Not granted",
  "Granted",
  "Save role",
  "Cancel",
  "Delete",
  "Edit",
  "Created",
  "Enabled",
  "Disabled",
  "Rotate the secret",
];
const englishLeft = (html: string) =>
  ENGLISH.filter((phrase) => new RegExp(`>[^<]*\\b${phrase.replace(/[()]/g, "\\$&")}\\b`).test(card(html)));

describe("the admin configuration screens in German and French", { timeout: 120_000 }, () => {
  let t: TestApp;
  let admin: { id: string; email: string; password: string };
  let clientId: string;
  let teamId: string;

  const signedIn = async (language: string, path: string) => {
    const browser = new LanguageBrowser(t.url, language);
    await openAccountPage(browser, t.url, path, { identifier: admin.email, password: admin.password });
    return browser;
  };

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.createUser();
    await t.app.services.systemRoles.setUserRole(admin.id, "super_admin");
    ({ clientId } = await t.createClient({ name: "Acme Notes", type: "confidential", redirectUris: ["https://notes.example.test/cb"] }));
    teamId = (await createTeam(t, admin.id, `Übersetzer ${Date.now().toString(36)}`)).id;
  });
  afterAll(async () => {
    await t?.close();
  });

  it("a German browser gets every configuration screen in German, with no English left in the page", async () => {
    const de = await signedIn("de-DE,de;q=0.9,en;q=0.5", "/admin/clients");
    const expectations: [string, string[]][] = [
      ["/admin/clients", ["Die Anwendungen, die Benutzer über Gatehouse anmelden", ">Neuer Client</a>", "Grant-Typen"]],
      [
        "/admin/clients/new",
        [
          "Vertraulich (ein Server, der ein Secret geheim hält)",
          ">Client registrieren</button>",
          "Eine pro Zeile; muss genau übereinstimmen.",
        ],
      ],
      [`/admin/clients/${clientId}`, ["Vertraulicher Client", ">Secret erneuern</a>", "Signatur des ID-Tokens"]],
      [`/admin/clients/${clientId}/edit`, ["Client bearbeiten", "Typ: vertraulich (der Typ eines Clients lässt sich nicht ändern)."]],
      [`/admin/clients/${clientId}/rotate-secret`, ["Client-Secret erneuern", ">Abbrechen</a>"]],
      [`/admin/clients/${clientId}/delete`, ["Acme Notes löschen", "Das lässt sich nicht rückgängig machen."]],
      [`/admin/clients/${clientId}/branding`, ["Branding von Acme Notes", "Anzeigename", "Logo hochladen"]],
      ["/admin/connectors", ["Es sind noch keine Anmeldeanbieter eingerichtet.", ">Neuer Anmeldeanbieter</a>"]],
      [
        "/admin/connectors/new",
        ["Name auf der Schaltfläche", "Authentifizierung am Token-Endpunkt", ">Anmeldeanbieter hinzufügen</button>"],
      ],
      ["/admin/keys", ["Der aktuelle Schlüssel signiert Tokens", "Schlüssel-ID (kid)", ">aktuell</span>", ">nächster</span>"]],
      ["/admin/keys/rotate", ["Den nächsten Schlüssel jetzt zum aktuellen machen?", "innerhalb von 60 Sekunden"]],
      [
        "/admin/webhooks",
        [
          "Noch keine Endpunkte.",
          "Endpunkt registrieren",
          "Ereignisse (keine Auswahl: alle Ereignisse)",
          '<a href="/admin/outbox">Postausgang</a>',
        ],
      ],
      [
        "/admin/outbox",
        ["unzustellbare Nachrichten.", "Keine: Jede Zustellung ist entweder erfolgt oder wird noch versucht.", "Es wartet nichts."],
      ],
      ["/admin/branding", ["Produktname", "Hauptfarbe", ">Branding speichern</button>"]],
      [
        "/admin/roles",
        [
          "Systemrollen",
          "Berechtigungsmatrix",
          "Platzhalter-Berechtigungen",
          ">Systemrolle anlegen</button>",
          "Erteilt",
          "Systemrollen verwalten",
        ],
      ],
      ["/admin/roles/system/super_admin", ["Systemrolle", "Zweiter Faktor", "hat alle Berechtigungen (<code>*</code>)"]],
      ["/admin/roles/teams", ["Team-Rollen", "Teamname oder Kürzel", ">Teams suchen</button>"]],
      [
        `/admin/roles/teams/${teamId}`,
        ["Rollen von Übersetzer", "Neue Rolle", ">Rolle anlegen</button>", "Das Team und seine Mitglieder sehen"],
      ],
    ];
    for (const [path, phrases] of expectations) {
      const page = await de.go(`${t.url}${path}`);
      expect(page.status, path).toBe(200);
      expect(lang(page.html), path).toBe("de");
      for (const phrase of phrases) expect(page.html, `${path}: ${phrase}`).toContain(phrase);
      expect(englishLeft(page.html), path).toEqual([]);
    }
    // a date in German words (the client's creation date: "7. Dez. 2026" and the like)
    const detail = await de.go(`${t.url}/admin/clients/${clientId}`);
    expect(card(detail.html)).toMatch(/\d{1,2}\. (Jan|Feb|März|Apr|Mai|Juni|Juli|Aug|Sept|Okt|Nov|Dez)\.? \d{4}/);
  });

  it("German notices and refusals: a refused client form, a saved role, a refused team-role deletion", async () => {
    const de = await signedIn("de", "/admin/clients/new");
    const form = await de.go(`${t.url}/admin/clients/new`);
    const refused = await de.submit(form, "/admin/clients/new", {
      name: "",
      type: "confidential",
      redirectUris: "https://a.example.test/cb",
      grantTypes: "authorization_code",
    });
    expect(refused.status).toBe(400);
    expect(lang(refused.html)).toBe("de");
    expect(refused.html).toContain("Der Client wurde nicht gespeichert: Korrigieren Sie die unten markierten Felder.");
    expect(refused.html).toContain("Geben Sie einen Namen für den Client ein.");

    const roles = await de.go(`${t.url}/admin/roles`);
    const made = await de.submit(roles, "/admin/roles/system", {
      key: `pruefer_${Date.now().toString(36)}`,
      name: "Prüfer",
      permissions: "gatehouse.admin.users.read",
    });
    expect(made.status).toBe(200);
    expect(made.html).toContain("Systemrolle angelegt.");
    expect(made.html).toContain("Benutzer sehen");

    const teamPage = await de.go(`${t.url}/admin/roles/teams/${teamId}`);
    const ownerRole = /href="\/admin\/roles\/teams\/[^/"]+\/([0-9a-f-]{36})">Owner ansehen<\/a>/.exec(teamPage.html)?.[1];
    expect(ownerRole).toBeTruthy();
    const kept = await de.go(`${t.url}/admin/roles/teams/${teamId}/${ownerRole}/delete`);
    expect(kept.status).toBe(403);
    expect(kept.html).toContain("Owner ist eine eingebaute Rolle: Sie lässt sich nicht löschen.");
  });

  it("a system role's refusal is said in the page's language: a role beyond the admin's own, their own role", async () => {
    const made = await t.app.services.systemRoles.create({
      key: `rollen_${Date.now().toString(36)}`,
      name: "Rollenpflege",
      permissions: ["gatehouse.admin.roles.manage"],
    });
    if (made.outcome !== "created") throw new Error(made.outcome);
    const limited = await t.createUser();
    await t.app.services.systemRoles.setUserRole(limited.id, made.role.key);
    const de = new LanguageBrowser(t.url, "de");
    await openAccountPage(de, t.url, "/admin/roles", { identifier: limited.email, password: limited.password });
    const roles = await de.go(`${t.url}/admin/roles`);
    const wider = await de.submit(roles, "/admin/roles/system", {
      key: `weiter_${Date.now().toString(36)}`,
      name: "Weiter",
      permissions: "gatehouse.admin.users.read",
    });
    expect(wider.status).toBe(403);
    expect(lang(wider.html)).toBe("de");
    expect(wider.html).toContain(
      "Sie können keine Rolle mit Berechtigungen anlegen, die Sie nicht haben: gatehouse.admin.users.read ist nicht in Ihrer eigenen Systemrolle.",
    );
    const own = await de.go(`${t.url}/admin/roles/system/${made.role.key}`);
    const kept = await de.submit(own, `/admin/roles/system/${made.role.key}`, {
      name: "Anders",
      permissions: "gatehouse.admin.roles.manage",
    });
    expect(kept.status).toBe(403);
    expect(kept.html).toContain("Ihre eigene Systemrolle können Sie nicht ändern; ein anderer Administrator kann es.");
    expect((await t.app.services.systemRoles.get(made.role.key))!.name).toBe("Rollenpflege");
  });

  it("a French browser gets French; an English browser still gets English", async () => {
    const fr = await signedIn("fr-FR,fr;q=0.9", "/admin/keys");
    const keys = await fr.go(`${t.url}/admin/keys`);
    expect(lang(keys.html)).toBe("fr");
    expect(keys.html).toContain("Clés de signature");
    expect(keys.html).toContain(">Changer maintenant</a>");
    expect(keys.html).toContain("Identifiant de clé (kid)");
    const outbox = await fr.go(`${t.url}/admin/outbox`);
    expect(outbox.html).toContain("Boîte d’envoi");
    expect(outbox.html).toContain("Rien n’est en attente.");
    const roles = await fr.go(`${t.url}/admin/roles`);
    expect(roles.html).toContain("Matrice des permissions");
    expect(englishLeft(keys.html)).toEqual([]);

    const en = await signedIn("en-GB,en;q=0.9", "/admin/clients");
    const clients = await en.go(`${t.url}/admin/clients`);
    expect(lang(clients.html)).toBe("en");
    expect(clients.html).toContain("The applications that sign users in through Gatehouse or get tokens from it.");
    expect(clients.html).toContain(">New client</a>");
    const enRoles = await en.go(`${t.url}/admin/roles`);
    expect(enRoles.html).toContain("Permission matrix");
    expect(enRoles.html).toContain(">Create system role</button>");
  });
});
