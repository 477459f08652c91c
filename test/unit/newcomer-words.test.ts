// #18 items 3 and 8 as pure functions: the mailbox's links cut out of an email's text (http(s) only, trailing
// punctuation left outside), and the new-client form's refusals in people's words, never the validator's.
import { describe, it, expect } from "vitest";
import { linkPieces } from "../../src/http/routes/dev-mailbox.ts";
import { friendlyIssue } from "../../src/http/routes/admin/clients-form.ts";
import { newClientSchema } from "../../src/services/clients.ts";

describe("mailbox links", () => {
  it("cuts the links out of the text", () => {
    expect(linkPieces("Open http://localhost:3000/verify-email?token=abc.\nThanks")).toEqual([
      { text: "Open " },
      { text: "http://localhost:3000/verify-email?token=abc", href: "http://localhost:3000/verify-email?token=abc" },
      { text: ".\nThanks" },
    ]);
    expect(linkPieces("javascript:alert(1) and ftp://x")).toEqual([{ text: "javascript:alert(1) and ftp://x" }]);
  });
});

describe("new-client form words", () => {
  const issues = (input: Record<string, unknown>) => {
    const r = newClientSchema.safeParse({ type: "confidential", redirectUris: ["https://app.example.test/cb"], ...input });
    return r.success ? [] : r.error.issues.map((i) => friendlyIssue(i as Parameters<typeof friendlyIssue>[0]));
  };
  it("says what to do", () => {
    expect(issues({ name: "" })).toEqual(["Enter a name for the client."]);
    expect(issues({ name: "x".repeat(101) })).toEqual(["That is too long: at most 100 characters."]);
    expect(issues({ name: "A", grantTypes: [] })).toEqual(["Choose at least one grant type."]);
    expect(issues({ name: "A", redirectUris: [] })[0]).toBe("authorization_code needs at least one redirect URI");
    for (const m of [...issues({ name: "" }), ...issues({ name: "A", grantTypes: ["magic"] })])
      expect(m).not.toMatch(/^(Too small|Too big|Invalid|Expected)/);
  });
});
