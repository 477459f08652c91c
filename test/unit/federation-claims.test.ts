// The address a GitHub-shaped upstream gives (services/federation/claims.ts): only the primary one of /user/emails,
// and verified only when GitHub says the primary one is; another verified address of the user is never taken.
import { describe, it, expect } from "vitest";
import { primaryAddress, upstreamEmail } from "../../src/services/federation/claims.ts";

describe("GitHub /user/emails", () => {
  it("the verified primary address", () => {
    expect(
      primaryAddress([
        { email: "old@x.test", primary: false, verified: true },
        { email: "me@x.test", primary: true, verified: true },
      ]),
    ).toEqual({ email: "me@x.test", verified: true });
  });

  it("an unverified primary stays unverified, even when another address is verified", () => {
    expect(
      primaryAddress([
        { email: "victim@x.test", primary: false, verified: true },
        { email: "me@x.test", primary: true, verified: false },
      ]),
    ).toEqual({ email: "me@x.test", verified: false });
  });

  it("no primary address: none (a verified secondary is not taken)", () => {
    expect(primaryAddress([{ email: "other@x.test", primary: false, verified: true }])).toBeNull();
    expect(primaryAddress([])).toBeNull();
    expect(primaryAddress({ message: "Bad credentials" })).toBeNull();
    expect(primaryAddress([{ email: 42, primary: true, verified: true }])).toBeNull();
  });
});

describe("the upstream's address", () => {
  it("is taken only when it is an email address by the rule registration uses", () => {
    expect(upstreamEmail("  Ada@Company.test ")).toBe("Ada@Company.test");
    expect(upstreamEmail("not an address")).toBeNull();
    expect(upstreamEmail("ada@company.test\r\nBcc: all@company.test")).toBeNull();
    expect(upstreamEmail("ａｄａ@company.test")).toBeNull(); // full-width look-alike of ada@
    expect(upstreamEmail("ada@company.test\u0000")).toBeNull();
    expect(upstreamEmail(42)).toBeNull();
    expect(upstreamEmail(null)).toBeNull();
  });
});
