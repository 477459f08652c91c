// The check of a REST API route's answers against its declaration (routes/api/declared-errors.ts): a 4xx whose
// code the route's documented answers do not name is reported; documented catalogue codes carry the
// catalogue's status; server errors and the codes every route may answer are not the route's to declare.
import { describe, it, expect } from "vitest";
import { z } from "zod";
import { defineRoute, responsesOf } from "../../src/http/routes/api/openapi.ts";
import { documented, names, undeclaredAnswer, undeclaredError } from "../../src/http/routes/api/declared-errors.ts";
import { CATALOGUE } from "../../src/lib/error-catalogue.ts";
import { AppError, catalogueError, refusalError } from "../../src/http/errors.ts";
import { worded } from "../../src/lib/i18n/refusal.ts";

const route = defineRoute({
  method: "post",
  path: "/api/v1/things/:id",
  summary: "Change a thing",
  tags: ["Things"],
  access: { token: "user" },
  params: z.object({ id: z.string() }),
  body: z.object({ name: z.string() }),
  response: { status: 204, description: "changed" },
  errors: [
    documented("outbox.not_found"),
    documented("system_role.built_in", "the thing is built in"),
    { status: 429, description: "rate_limited: too many changes" },
  ],
  handle: async () => undefined,
});
const responses = responsesOf(route);

describe("declared errors", () => {
  it("documents a catalogue code with the catalogue's status, its words unless a case is given", () => {
    expect(documented("outbox.not_found")).toEqual({
      status: 404,
      description: `outbox.not_found: ${CATALOGUE["outbox.not_found"].message}`,
    });
    expect(documented("system_role.built_in", "the thing is built in")).toEqual({
      status: 409,
      description: "system_role.built_in: the thing is built in",
    });
  });

  it("accepts what the route declares and what its access and schemas imply", () => {
    expect(undeclaredError(responses, catalogueError("outbox.not_found"))).toBeNull();
    expect(undeclaredError(responses, catalogueError("system_role.built_in"))).toBeNull();
    expect(undeclaredAnswer(responses, { status: 429, code: "rate_limited" })).toBeNull();
    expect(undeclaredAnswer(responses, { status: 400, code: "request.invalid_json" })).toBeNull();
    expect(undeclaredAnswer(responses, { status: 401, code: "invalid_token" })).toBeNull();
    expect(undeclaredAnswer(responses, { status: 403, code: "token.user_required" })).toBeNull();
    expect(undeclaredAnswer(responses, { status: 415, code: "request.unsupported_type" })).toBeNull();
  });

  it("reports a 4xx the route does not declare: an undocumented status, or a code its status does not name", () => {
    expect(undeclaredError(responses, catalogueError("outbox.not_dead"))).toBe(
      "409 outbox.not_dead: the route's 409 does not name this code",
    );
    expect(undeclaredError(responses, catalogueError("method_not_allowed", undefined, { methods: "GET" }))).toBe(
      "405 method_not_allowed: the route documents no 405",
    );
    expect(undeclaredAnswer(responses, { status: 404, code: "not_found" })).toBe("404 not_found: the route's 404 does not name this code");
    expect(undeclaredAnswer(responses, { status: 403, code: "permission.denied" })).toBe(
      "403 permission.denied: the route's 403 does not name this code",
    );
  });

  it("leaves server errors, non-AppErrors and the codes of every route alone", () => {
    expect(undeclaredError(responses, new AppError("virtuozzo.unavailable", 503, "down"))).toBeNull();
    expect(undeclaredError(responses, new Error("boom"))).toBeNull();
    expect(undeclaredAnswer({}, { status: 400, code: "request.invalid_characters" })).toBeNull();
  });

  it("names a code only as a whole code", () => {
    expect(names("team.not_found: no such team; member.not_found: no such member", "member.not_found")).toBe(true);
    expect(names("team.not_found: no such team", "not_found")).toBe(false);
    expect(
      names(
        "token.client_credentials_required, permissions.no_namespace (none) or permissions.outside_namespace",
        "permissions.outside_namespace",
      ),
    ).toBe(true);
    expect(names("permissions.taken: codes", "permissions.take")).toBe(false);
  });

  it("fills a catalogue message's placeholders from the error's data, or from the words given apart", () => {
    const taken = catalogueError("system_role.exists", { key: "auditor" });
    expect(taken.publicMessage).toBe('A system role with the key "auditor" exists.');
    expect(taken.data).toEqual({ key: "auditor" });
    const method = catalogueError("method_not_allowed", undefined, { methods: "GET, HEAD" });
    expect(method.publicMessage).toBe("Use GET, HEAD.");
    expect(method.data).toBeUndefined();
    // braces that are not a placeholder stay as they are
    expect(catalogueError("password_strength.invalid").publicMessage).toBe("Send {password, username?, email?, name?} as strings.");
  });

  it('a "code#variant" key is another wording of the code: the error and the declaration carry the code', () => {
    const member = catalogueError("team.not_found#member");
    expect({ code: member.code, status: member.status, message: member.publicMessage }).toEqual({
      code: "team.not_found",
      status: 404,
      message: "There is no such team, or you are not one of its members.",
    });
    const refused = refusalError("permission.denied#refused", worded("adminCfg.systemRoleIssue.ownRole"));
    expect({ code: refused.code, message: refused.publicMessage, data: refused.data }).toEqual({
      code: "permission.denied",
      message: "You cannot change your own system role; another administrator can.",
      data: undefined,
    });
    const declared = documented("permission.denied#refused", "a role beyond the caller's own");
    expect(declared).toEqual({ status: 403, description: "permission.denied: a role beyond the caller's own" });
    expect(undeclaredError({ "403": declared }, refused)).toBeNull();
    expect(undeclaredError({ "404": documented("team.not_found#member") }, catalogueError("team.not_found"))).toBeNull();
  });

  it("keeps the words the pages translate by their exact English text", () => {
    expect(catalogueError("rate_limited", { retryAfter: 1 }, { what: "sign-in attempts", wait: "1 second" }).publicMessage).toBe(
      "Too many sign-in attempts. Please wait 1 second and try again.",
    );
    expect(catalogueError("csrf.foreign_origin#form").publicMessage).toBe("This form was submitted from another site.");
    expect(catalogueError("login.upstream_unavailable", undefined, { connector: "Acme" }).publicMessage).toBe(
      "Acme did not answer in time. Try again in a moment, or use another way to sign in.",
    );
  });
});
