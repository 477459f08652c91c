// The live password strength meter's words follow the page's language: the meter sends its page's <html lang>
// (else the request's Accept-Language decides), and the answer's label and the policy's refusals come back in
// German or French; without either, English as before.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";

const PASSPHRASE = "quiet lantern over the marsh";

describe("the strength meter's words in the page's language", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  const ask = async (body: Record<string, string>, headers: Record<string, string> = {}) => {
    const res = await fetch(`${t.url}/password/strength`, {
      method: "POST",
      headers: { accept: "application/json", "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as { ok: boolean; score: number; message: string };
  };

  it("the page's lang, then Accept-Language, then English", async () => {
    const german = await ask({ password: PASSPHRASE, lang: "de" });
    expect(german.ok).toBe(true);
    expect(german.message).toMatch(/^(Sehr schwach|Schwach|Mittel|Gut|Stark): Dieses Passwort (ist schwer zu erraten|wird akzeptiert)\.$/);
    const french = await ask({ password: PASSPHRASE }, { "accept-language": "fr-FR,fr;q=0.9" });
    expect(french.message).toMatch(/^(Très faible|Faible|Moyen|Bon|Fort) : ce mot de passe est (difficile à deviner|accepté)\.$/);
    // the page's own language wins over the browser's
    expect((await ask({ password: PASSPHRASE, lang: "de" }, { "accept-language": "fr" })).message).toBe(german.message);
    const english = await ask({ password: PASSPHRASE, lang: "xx" });
    expect(english.message).toMatch(/^(Very weak|Weak|Fair|Good|Strong): this password is (hard to guess|accepted)\.$/);
    // a refusal of the policy in German (its fixed words are in the catalogue)
    const common = await ask({ password: "password12345", lang: "de" });
    expect(common.ok).toBe(false);
    expect(common.message).toContain("Dieses Passwort ist zu gängig");
  });
});
