// The username a just-in-time account gets from an upstream profile (#17, services/federation/identities.ts):
// the upstream's own, else the address's local part, cleaned to the allowed characters and 3-24 long.
import { describe, it, expect } from "vitest";
import { usernameCandidate } from "../../src/services/federation/identities.ts";
import { USERNAME_PATTERN } from "../../src/services/identifiers.ts";

const profile = (over: Partial<Parameters<typeof usernameCandidate>[0]>) => ({
  subject: "s",
  email: null,
  emailVerified: false,
  name: null,
  username: null,
  ...over,
});

describe("usernameCandidate", () => {
  it("takes the upstream's username, else the address's local part, else the name", () => {
    expect(usernameCandidate(profile({ username: "octo-cat", email: "x@example.test" }))).toBe("octo-cat");
    expect(usernameCandidate(profile({ email: "ada.lovelace@example.test" }))).toBe("ada.lovelace");
    expect(usernameCandidate(profile({ name: "Grace Hopper" }))).toBe("Grace-Hopper");
  });

  it("cleans what the pattern refuses and pads what is too short", () => {
    for (const p of [
      profile({ username: "a b@c!d" }),
      profile({ username: "x" }),
      profile({ username: "--" }),
      profile({ username: "é".repeat(60) }),
      profile({}),
    ]) {
      const name = usernameCandidate(p);
      expect(name, JSON.stringify(p)).toMatch(USERNAME_PATTERN);
      expect(name.length).toBeLessThanOrEqual(24);
    }
    expect(usernameCandidate(profile({ username: "x" }))).toBe("user-x");
  });
});
