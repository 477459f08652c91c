// The client URI rule (RFC 9700 2.1 / 4.1, RFC 8252 7): https anywhere, http only on loopback hosts, private-use
// schemes only as redirect URIs (and, in the client schema, only for public clients); never a fragment, user
// info or a scheme that runs or reads something (javascript:, data:, file: ...).
import { describe, it, expect } from "vitest";
import { clientUriProblem, isHttpsLoopback, isPrivateUseUri } from "../../src/services/client-uris.ts";
import { applicationTypeOf, newClientSchema } from "../../src/services/clients.ts";

const fine = [
  "https://app.example.test/cb",
  "HTTPS://App.Example.Test/cb",
  "https://app.example.test/cb?next=a@b",
  "https://app.example.test:8443/cb?x=1",
  "http://127.0.0.1:8080/cb",
  "http://[::1]:8080/cb",
  "http://localhost/cb",
  "http://LOCALHOST:3000/",
];
const refusedEverywhere: [string, RegExp][] = [
  ["javascript:alert(1)", /https/],
  ["JavaScript:alert(1)", /https/],
  ["data:text/html,<script>alert(1)</script>", /https/],
  ["file:///etc/passwd", /https/],
  ["vbscript:msgbox", /https/],
  ["blob:https://app.example.test/x", /https/],
  ["about:blank", /https/],
  ["ftp://files.example.test/cb", /https/],
  ["http://evil.example/cb", /https/],
  ["http://127.0.0.2.evil.example/cb", /https/],
  ["http://localhost.evil.example/cb", /https/],
  ["http://10.0.0.1/cb", /https/],
  ["https://app.example.test/cb#frag", /fragment/],
  ["https://app.example.test/cb#", /fragment/],
  ["http://127.0.0.1/cb#x", /fragment/],
  ["https://user:pass@app.example.test/cb", /user name/],
  ["https://user@app.example.test/cb", /user name/],
  ["not a url", /spaces/],
  ["/relative/cb", /absolute/],
  ["", /absolute/],
  // judged as written, not only as WHATWG URL reads it
  ["https://x.example.test\\@evil.example/", /backslashes/],
  ["http://localhost\\@evil.example/", /backslashes/],
  ["http:\\\\localhost\\cb", /backslashes/],
  ["https://x.example.test/\ncb", /control/],
  ["https://x.example.test/\tcb", /control/],
  [" https://x.example.test/cb", /spaces/],
  ["https://x.example.test/cb ", /spaces/],
  ["https://@x.example.test/", /user name/],
  ["https:/x.example.test/cb", /written https:\/\/host/],
  ["https:///x.example.test/cb", /written https:\/\/host/],
  ["HTTPS:x.example.test", /written https:\/\/host/],
];

describe("client URIs", () => {
  it("accepts https anywhere and http on loopback hosts, for redirects and back-channel logout", () => {
    for (const uri of fine) {
      expect(clientUriProblem(uri, "redirect"), uri).toBeNull();
      expect(clientUriProblem(uri, "backchannel"), uri).toBeNull();
    }
  });

  it("refuses other schemes, non-loopback http, fragments, user info and non-URIs, with the reason", () => {
    for (const [uri, reason] of refusedEverywhere) {
      expect(clientUriProblem(uri, "redirect"), uri).toMatch(reason);
      expect(clientUriProblem(uri, "backchannel"), uri).toMatch(reason);
    }
  });

  it("allows private-use schemes (reverse domain names) as redirect URIs only, never as a back-channel URI", () => {
    for (const uri of ["com.example.app:/cb", "com.example.app://cb", "io.gatehouse.mobile-app:/oauth2/callback"]) {
      expect(isPrivateUseUri(uri), uri).toBe(true);
      expect(clientUriProblem(uri, "redirect"), uri).toBeNull();
      expect(clientUriProblem(uri, "backchannel"), uri).toMatch(/https/);
    }
    for (const uri of ["myapp:/cb", "javascript:alert(1)", "https://app.example.test/cb", "com.example.app:/cb#f"]) {
      expect(isPrivateUseUri(uri) && clientUriProblem(uri, "redirect") === null, uri).toBe(false);
    }
    expect(isHttpsLoopback("https://localhost:8443/cb")).toBe(true);
    expect(isHttpsLoopback("https://app.example.test/cb")).toBe(false);
  });

  it("the client schema: private-use schemes for public clients only (then native, without https on loopback)", () => {
    const base = { name: "App", redirectUris: ["com.example.app:/cb"], postLogoutRedirectUris: ["com.example.app:/out"] };
    const pub = newClientSchema.parse({ ...base, type: "public" });
    expect(applicationTypeOf(pub)).toBe("native");
    expect(applicationTypeOf(newClientSchema.parse({ name: "Web", type: "public", redirectUris: ["https://app.example.test/cb"] }))).toBe(
      "web",
    );

    const confidential = newClientSchema.safeParse({ ...base, type: "confidential" });
    expect(confidential.success).toBe(false);
    expect(confidential.error!.issues.map((i) => i.path)).toEqual([
      ["redirectUris", 0],
      ["postLogoutRedirectUris", 0],
    ]);
    expect(confidential.error!.issues[0]!.message).toMatch(/public/);

    const mixed = newClientSchema.safeParse({
      ...base,
      type: "public",
      redirectUris: ["com.example.app:/cb", "https://localhost:8443/cb", "http://127.0.0.1:8080/cb"],
    });
    expect(mixed.error!.issues.map((i) => i.path)).toEqual([["redirectUris", 1]]);

    const bad = newClientSchema.safeParse({
      name: "Bad",
      type: "public",
      redirectUris: ["javascript:alert(1)"],
      postLogoutRedirectUris: ["http://evil.example/"],
      backchannelLogoutUri: "com.example.app:/bcl",
    });
    expect(bad.error!.issues.map((i) => i.path)).toEqual([["redirectUris", 0], ["postLogoutRedirectUris", 0], ["backchannelLogoutUri"]]);
  });
});
