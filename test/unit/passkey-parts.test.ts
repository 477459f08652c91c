// The pure parts of the passkey service: the RP ID and origin from ISSUER, the amr a key gives (hwk for a
// security key, swk for a platform or synced passkey, user when verified), the bounds on the browser's answer
// (shape, base64url, size) and the names a passkey may have.
import { describe, it, expect } from "vitest";
import { relyingPartyFor } from "../../src/services/passkeys/relying-party.ts";
import { amrOf, keyKindOf } from "../../src/services/passkeys/kinds.ts";
import { MAX_RESPONSE_CHARS, parseAuthentication, parseRegistration } from "../../src/services/passkeys/responses.ts";
import { cleanName } from "../../src/services/passkeys/management.ts";

const assertion = {
  id: "abc_-",
  rawId: "abc_-",
  type: "public-key",
  clientExtensionResults: {},
  response: { clientDataJSON: "eyJ9", authenticatorData: "AAAA", signature: "MEUC" },
};

describe("passkey parts", () => {
  it("the RP ID is ISSUER's host name, the origin ISSUER's origin", () => {
    expect(relyingPartyFor("https://id.example.com/", "Acme")).toEqual({
      id: "id.example.com",
      origin: "https://id.example.com",
      name: "Acme",
    });
    expect(relyingPartyFor("http://localhost:3000", "G")).toEqual({ id: "localhost", origin: "http://localhost:3000", name: "G" });
  });

  it("hwk for a single-device cross-platform key, swk for platform, hybrid or synced ones; user when verified", () => {
    expect(keyKindOf({ deviceType: "singleDevice", attachment: "cross-platform", transports: ["usb", "nfc"] })).toBe("hwk");
    expect(keyKindOf({ deviceType: "singleDevice", attachment: null, transports: ["usb"] })).toBe("hwk");
    expect(keyKindOf({ deviceType: "multiDevice", attachment: "cross-platform", transports: ["usb"] })).toBe("swk");
    expect(keyKindOf({ deviceType: "singleDevice", attachment: "platform", transports: [] })).toBe("swk");
    expect(keyKindOf({ deviceType: "singleDevice", attachment: null, transports: ["internal"] })).toBe("swk");
    expect(keyKindOf({ deviceType: "singleDevice", attachment: null, transports: ["hybrid"] })).toBe("swk");
    expect(amrOf({ deviceType: "singleDevice", attachment: null, transports: ["usb"] }, true)).toEqual(["hwk", "user"]);
    expect(amrOf({ deviceType: "singleDevice", attachment: null, transports: ["usb"] }, false)).toEqual(["hwk"]);
  });

  it("answers: JSON text or an object of the right shape; anything else is null", () => {
    expect(parseAuthentication(JSON.stringify(assertion))?.id).toBe("abc_-");
    expect(parseAuthentication(assertion)?.id).toBe("abc_-");
    expect(parseAuthentication("{not json")).toBeNull();
    expect(parseAuthentication(JSON.stringify({ ...assertion, type: "password" }))).toBeNull();
    expect(
      parseAuthentication(JSON.stringify({ ...assertion, response: { ...assertion.response, signature: "not base64url!" } })),
    ).toBeNull();
    expect(
      parseAuthentication(JSON.stringify({ ...assertion, response: { ...assertion.response, signature: "A".repeat(5000) } })),
    ).toBeNull();
    expect(parseAuthentication(" ".repeat(MAX_RESPONSE_CHARS + 1))).toBeNull();
    expect(parseRegistration(JSON.stringify(assertion))).toBeNull();
    expect(
      parseRegistration({ ...assertion, response: { clientDataJSON: "eyJ9", attestationObject: "o2Nm", transports: ["usb"] } })?.response
        .transports,
    ).toEqual(["usb"]);
  });

  it("names: trimmed, 1-64 characters, no control characters", () => {
    expect(cleanName("  Work laptop ")).toBe("Work laptop");
    expect(cleanName("")).toBeNull();
    expect(cleanName("   ")).toBeNull();
    expect(cleanName("a".repeat(65))).toBeNull();
    expect(cleanName("bad\u0007name")).toBeNull();
    expect(cleanName("Clé bleue 🔑")).toBe("Clé bleue 🔑");
  });
});
