// The sign-in page's refusal when an address's domain requires its team's single sign-on (#17 item 3) goes
// through the catalogues (lib/i18n/en-teams.ts) with its team, domain and provider: German and French readers get
// it in their language, and the English catalogue's words are exactly the flow's own English text.
import { describe, it, expect } from "vitest";
import { translator } from "../../src/lib/i18n/index.ts";
import { ssoRequired } from "../../src/flows/login/upstream.ts";
import { wording } from "../../src/http/routes/interaction/messages.ts";

describe("the SSO-required refusal's words", () => {
  for (const connectorName of ["Acme Corp SSO", null]) {
    it(`says the team, the domain${connectorName ? " and the provider" : ""} in the reader's language`, () => {
      const refusal = { code: "login.sso_required" as const, ...ssoRequired({ teamName: "Acme", domain: "acme.test", connectorName }) };
      const said = wording(refusal);
      expect(said.status).toBe(403);
      expect(said.say(translator("en"))).toBe(refusal.message);
      expect(said.message).toBe(refusal.message);
      const via = connectorName ? ` (${connectorName})` : "";
      expect(said.say(translator("de"))).toBe(
        `Acme verlangt Single Sign-on für Adressen unter acme.test: Nutzen Sie stattdessen „Weiter mit Single Sign-on“${via}.`,
      );
      expect(said.say(translator("fr"))).toBe(
        `Acme exige l’authentification unique pour les adresses de acme.test : utilisez plutôt « Continuer avec l’authentification unique (SSO) »${via}.`,
      );
    });
  }

  it("a refusal that brings only its own text keeps it", () => {
    expect(wording({ code: "login.sso_required", message: "Some other words." }).say(translator("de"))).toBe("Some other words.");
  });
});
