// The team services refuse with a message key and its values (lib/i18n/refusal.ts; #13): every key they use
// exists in English, German and French with the same {placeholders}, their refusals name no English sentence of
// their own, and a refusal's English words (the REST API's and the CLI's message) are the key's English text.
import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { CATALOGUES, LOCALES, translator, type MessageKey } from "../../src/lib/i18n/index.ts";
import { isSaid, sayRefusal, worded } from "../../src/lib/i18n/refusal.ts";
import { forbidden, invalid } from "../../src/services/team-roles.ts";
import { refusalError } from "../../src/http/errors.ts";
import { CATALOGUE } from "../../src/lib/error-catalogue.ts";

const SERVICES = [
  "src/services/team-roles.ts",
  "src/services/team-members.ts",
  "src/services/invitations.ts",
  "src/services/invitation-steps.ts",
  "src/services/team-invitation-send.ts",
  "src/services/team-invitation-pending.ts",
  "src/services/admin-invitation-send.ts",
  "src/services/ownership.ts",
  "src/services/federation/team-domains.ts",
  "src/services/federation/team-domain-add.ts",
  "src/services/federation/team-domain-dns.ts",
  "src/services/federation/team-domain-names.ts",
  "src/services/federation/team-domain-steps.ts",
  "src/services/federation/team-domain-types.ts",
  "src/services/federation/team-domain-update.ts",
  "src/services/federation/team-domain-verify.ts",
  "src/services/virtuozzo/linking.ts",
  "src/services/virtuozzo/link-types.ts",
  "src/services/virtuozzo/link-platform-check.ts",
  "src/services/virtuozzo/link-steps.ts",
  "src/services/virtuozzo/link-create.ts",
  "src/services/virtuozzo/link-confirm.ts",
  "src/services/virtuozzo/link-manage.ts",
  "src/services/virtuozzo/link-door-a.ts",
  "src/services/virtuozzo/index.ts",
];
const source = (file: string) => readFileSync(new URL(`../../${file}`, import.meta.url), "utf8");
/** the message keys a service's refusals name (team.refusal.*, and the two keys they share with other pages) */
const keysOf = (text: string) =>
  [...text.matchAll(/"(team\.refusal\.\w+|team\.invitations\.emailInvalid|admin\.team\.selfTransfer)"/g)].map((m) => m[1]!);
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
/** per language: every key in `used` is in its catalogue, with the English text's placeholders */
function itHasEveryKey(used: string[]): void {
  for (const locale of LOCALES) {
    it(`every key they use is in ${locale}, with the English placeholders`, () => {
      const catalogue = CATALOGUES[locale] as Record<string, string | undefined>;
      const en = CATALOGUES.en as Record<string, string>;
      expect(used.filter((key) => !catalogue[key]?.trim())).toEqual([]);
      for (const key of used) expect(placeholders(catalogue[key]!), `${locale} ${key}`).toEqual(placeholders(en[key]!));
    });
  }
}

describe("the team services' refusal keys", () => {
  const used = [...new Set(SERVICES.flatMap((file) => keysOf(source(file))))].sort();

  it("the services name their refusals by key", () => {
    expect(used.length).toBeGreaterThan(60);
    for (const key of ["team.refusal.nameTaken", "team.refusal.beyondMore", "team.refusal.txtMissing", "team.refusal.vzGroupType"])
      expect(used).toContain(key);
  });

  itHasEveryKey(used);

  it("no refusal is an English sentence of the service's own", () => {
    for (const file of SERVICES) {
      const text = source(file);
      // forbidden("Your role ..."), invalid("Enter ...", "email"), { outcome: ..., message: `...` }
      expect(text.match(/\b(?:forbidden|invalid)\(\s*[`"][A-Z]/g), file).toBeNull();
      expect(text.match(/outcome: "[a-z_]+",\s*message:/g), file).toBeNull();
    }
  });

  it("a refusal carries its key, its values and their English words", () => {
    expect(forbidden("team.refusal.cannotEdit", { role: "Editors" })).toEqual({
      outcome: "forbidden",
      key: "team.refusal.cannotEdit",
      values: { role: "Editors" },
      message: "Editors has permissions your role does not have, so you cannot edit it.",
    });
    expect(invalid("name", "team.refusal.nameTaken", { name: "Redaktion" })).toEqual({
      outcome: "invalid",
      field: "name",
      key: "team.refusal.nameTaken",
      values: { name: "Redaktion" },
      message: 'This team already has a role called "Redaktion".',
    });
    expect(invalid(undefined, "team.refusal.roleNameLength")).toEqual({
      outcome: "invalid",
      key: "team.refusal.roleNameLength",
      message: "Role names have 2 to 48 characters.",
    });
    // a value is never read as a placeholder of its own
    expect(worded("team.refusal.nameTaken", { name: "{count}" }).message).toBe('This team already has a role called "{count}".');
  });

  it("a catalogue entry said by a refusal answers its English words and keeps its key for a page", () => {
    const said = Object.entries(CATALOGUE).filter(([, entry]) => entry.message === "{said}");
    expect(said.map(([code]) => code)).toEqual(
      expect.arrayContaining(["team.forbidden", "team.invalid", "permission.denied#team", "domain.taken"]),
    );
    const refusal = forbidden("team.refusal.cannotGive", { role: "Lektorat" });
    if (refusal.outcome !== "forbidden") throw new Error("not a refusal");
    const error = refusalError("permission.denied#team", refusal);
    expect(error.code).toBe("permission.denied");
    expect(error.status).toBe(403);
    expect(error.publicMessage).toBe("You cannot give the role Lektorat: it has permissions your own role does not have.");
    expect(error.said).toEqual({ key: "team.refusal.cannotGive", values: { role: "Lektorat" } });
    expect(translator("fr")(error.said!.key, error.said!.values)).toBe(
      "Vous ne pouvez pas attribuer le rôle Lektorat : il a des permissions que votre propre rôle n’a pas.",
    );
  });

  it("a page says a refusal in its language, and a plain text as before", () => {
    const de = translator("de");
    const say = (text: string, vars?: Record<string, string | number>) => de(text as MessageKey, vars);
    const refusal = worded("team.refusal.inUseMany", { count: 3, role: "Redaktion" });
    expect(isSaid(refusal)).toBe(true);
    expect(isSaid("team.refusal.seeRoles")).toBe(false);
    expect(sayRefusal(say, refusal)).toBe("3 Mitglieder haben die Rolle Redaktion. Geben Sie jedem zuerst eine andere Rolle.");
    expect(sayRefusal(say, "team.refusal.seeRoles")).toBe("Ihre Rolle erlaubt Ihnen nicht, die Rollen dieses Teams zu sehen.");
  });
});

// the system roles' (and so user administration's) and a client's permission sync's refusals are said by key too
describe("the system-role and permission-sync refusal keys", () => {
  const ADMIN_SERVICES = ["src/services/system-roles.ts", "src/services/permission-sync.ts"];
  const adminKeysOf = (text: string) => [...text.matchAll(/"(adminCfg\.(?:systemRoleIssue|permissionIssue)\.\w+)"/g)].map((m) => m[1]!);
  const used = [...new Set(ADMIN_SERVICES.flatMap((file) => adminKeysOf(source(file))))].sort();

  it("the services name their refusals by key", () => {
    for (const key of [
      "adminCfg.systemRoleIssue.ownRole",
      "adminCfg.systemRoleIssue.changed",
      "adminCfg.systemRoleIssue.createBeyond",
      "adminCfg.systemRoleIssue.changeBeyondMore",
      "adminCfg.permissionIssue.badDefinition",
    ])
      expect(used).toContain(key);
    for (const file of ADMIN_SERVICES) {
      expect(source(file).match(/outcome: "(?:forbidden|invalid)",\s*message:/g), file).toBeNull();
    }
  });

  itHasEveryKey(used);

  it("their entries answer the English words they answered before, and keep the key for a page", () => {
    const said = Object.entries(CATALOGUE).filter(([, entry]) => entry.message === "{said}");
    expect(said.map(([code]) => code)).toEqual(expect.arrayContaining(["permission.denied#refused", "request.invalid#refused"]));
    const beyond = refusalError(
      "permission.denied#refused",
      worded("adminCfg.systemRoleIssue.changeBeyondMore", { role: "Auditor", codes: "a.b, a.c, a.d, a.e, a.f", more: 2 }),
    );
    expect(beyond.status).toBe(403);
    expect(beyond.publicMessage).toBe(
      "This user's role Auditor holds more than yours, so you cannot change it: a.b, a.c, a.d, a.e, a.f and 2 more are not in your own system role.",
    );
    expect(translator("de")(beyond.said!.key, beyond.said!.values)).toBe(
      "Die Rolle Auditor dieses Benutzers umfasst mehr als Ihre, daher können Sie sie nicht ändern: a.b, a.c, a.d, a.e, a.f und 2 weitere sind nicht in Ihrer eigenen Systemrolle.",
    );
    const bad = refusalError("request.invalid#refused", worded("adminCfg.permissionIssue.badDefinition", { code: "Acme.X" }));
    expect({ code: bad.code, status: bad.status, message: bad.publicMessage }).toEqual({
      code: "request.invalid",
      status: 400,
      message: '"Acme.X" needs to be a permission code (lower-case dotted words) with a label and a tab',
    });
  });
});
