// The acr levels (lib/acr.ts) and what a sign-in still needs for a requested level (flows/login/step-up.ts).
import { describe, it, expect } from "vitest";
import { ACR_MFA, ACR_ONE_FACTOR, ACR_PHISHING_RESISTANT, acrFor, meets, requiredAcr, sessionAcr } from "../../src/lib/acr.ts";
import { planAfter } from "../../src/flows/login/step-up.ts";

describe("acr levels", () => {
  it("each sign-in earns its level from its amr", () => {
    expect(acrFor(["pwd"])).toBe(ACR_ONE_FACTOR);
    expect(acrFor(["email"])).toBe(ACR_ONE_FACTOR);
    expect(acrFor(["hwk"])).toBe(ACR_ONE_FACTOR); // a key without user verification is one factor
    expect(acrFor(["pwd", "otp"])).toBe(ACR_MFA);
    expect(acrFor(["email", "otp"])).toBe(ACR_MFA);
    expect(acrFor(["swk", "user"])).toBe(ACR_PHISHING_RESISTANT);
    expect(acrFor(["pwd", "hwk", "user"])).toBe(ACR_PHISHING_RESISTANT);
  });

  it("acr_values: the weakest known value is required; unknown values are ignored; malformed is nothing", () => {
    expect(requiredAcr(`${ACR_PHISHING_RESISTANT} ${ACR_MFA}`)).toBe(ACR_MFA);
    expect(requiredAcr(`urn:x ${ACR_PHISHING_RESISTANT}`)).toBe(ACR_PHISHING_RESISTANT);
    expect(requiredAcr("urn:x urn:y")).toBeUndefined();
    expect(requiredAcr(undefined)).toBeUndefined();
    expect(requiredAcr(["x"])).toBeUndefined();
    expect(meets(ACR_PHISHING_RESISTANT, ACR_MFA)).toBe(true);
    expect(meets(ACR_ONE_FACTOR, ACR_MFA)).toBe(false);
    expect(meets(undefined, undefined)).toBe(true);
    expect(meets(undefined, ACR_ONE_FACTOR)).toBe(false);
  });

  it("a session's level: its acr when ours, else what its amr earns (sessions from before the levels)", () => {
    expect(sessionAcr({ acr: ACR_MFA, amr: ["pwd", "otp"] })).toBe(ACR_MFA);
    expect(sessionAcr({ acr: "http://schemas.openid.net/pape/policies/2007/06/phishing-resistant", amr: ["swk", "user"] })).toBe(
      ACR_PHISHING_RESISTANT,
    );
    expect(sessionAcr({ amr: ["pwd"] })).toBe(ACR_ONE_FACTOR);
    expect(sessionAcr({})).toBeUndefined();
  });

  it("after a first factor: gates, the second factor (only a passkey for phr), or unmet", () => {
    expect(planAfter(["pwd"], false, [], undefined)).toEqual({ next: "gates" });
    expect(planAfter(["pwd"], false, [], ACR_MFA)).toEqual({ next: "unmet" });
    expect(planAfter(["pwd"], false, ["totp", "backup"], undefined)).toEqual({ next: "second_factor" });
    expect(planAfter(["pwd"], false, ["totp", "backup"], ACR_PHISHING_RESISTANT)).toEqual({ next: "unmet" });
    expect(planAfter(["pwd"], false, ["totp", "backup", "passkey"], ACR_PHISHING_RESISTANT)).toEqual({
      next: "second_factor",
      only: ["passkey"],
    });
    expect(planAfter(["swk", "user"], true, [], ACR_PHISHING_RESISTANT)).toEqual({ next: "gates" });
  });
});
