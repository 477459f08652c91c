// How an upstream sign-in (amr `fed`, #17) counts toward the acr levels (lib/acr.ts): linking with a password
// says fed + pwd, which is still one factor (the second factor and an mfa request still apply); fed with a TOTP
// code or a passkey is two.
import { describe, it, expect } from "vitest";
import { ACR_MFA, ACR_ONE_FACTOR, ACR_PHISHING_RESISTANT, acrFor } from "../../src/lib/acr.ts";
import { planAfter } from "../../src/flows/login/step-up.ts";

describe("acr of upstream sign-ins", () => {
  it("fed alone, and fed with the password that proved a link, are one factor", () => {
    expect(acrFor(["fed"])).toBe(ACR_ONE_FACTOR);
    expect(acrFor(["fed", "pwd"])).toBe(ACR_ONE_FACTOR);
  });

  it("fed with a code or a key is two factors", () => {
    expect(acrFor(["fed", "otp"])).toBe(ACR_MFA);
    expect(acrFor(["fed", "hwk", "user"])).toBe(ACR_PHISHING_RESISTANT);
  });

  it("a link proved by password does not meet an mfa request by itself: the second factor is asked for, or it is unmet", () => {
    expect(planAfter(["fed", "pwd"], false, [], ACR_MFA)).toEqual({ next: "unmet" });
    expect(planAfter(["fed", "pwd"], false, ["totp"], ACR_MFA)).toMatchObject({ next: "second_factor" });
    expect(planAfter(["fed", "pwd"], false, [], undefined)).toEqual({ next: "gates" });
  });
});
