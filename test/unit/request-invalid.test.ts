// The API's one 400 request.invalid: its message is one sentence naming the fields, with one full stop however
// the services' own messages end.
import { describe, it, expect } from "vitest";
import { fieldInvalid, requestInvalid } from "../../src/http/routes/api/request-invalid.ts";

describe("request.invalid", () => {
  it("ends the message with one full stop, keeping a message's own . ! or ?", () => {
    const cases: [string, string][] = [
      ["must be at least 1", "The request's query is not valid: limit: must be at least 1."],
      [
        "This page link is not valid; start from the first page.",
        "The request's query is not valid: limit: This page link is not valid; start from the first page.",
      ],
      ["Stop!", "The request's query is not valid: limit: Stop!"],
      ["Is this a date?", "The request's query is not valid: limit: Is this a date?"],
    ];
    for (const [message, expected] of cases) expect(fieldInvalid("query", "limit", message).publicMessage).toBe(expected);
  });

  it("names each field in issues and problems, and the field when one is at fault", () => {
    const one = fieldInvalid("body", "name", "is taken");
    expect(one).toMatchObject({
      code: "request.invalid",
      status: 400,
      data: { field: "name", problems: ["name: is taken"], issues: [{ code: "custom", path: ["body", "name"], message: "is taken" }] },
    });
    const many = requestInvalid("query", [
      { code: "custom", path: ["query", "from"], message: "a" },
      { code: "custom", path: ["query"], message: "b" },
    ]);
    expect(many.publicMessage).toBe("The request's query is not valid: from: a; query: b.");
  });
});
