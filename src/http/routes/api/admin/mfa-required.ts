// "Require a second factor" for a system role (gatehouse.admin.roles.manage) or a team
// (gatehouse.admin.teams.manage): PUT {required} to set it, GET to read it. Every holder or member without TOTP or a
// passkey sets up TOTP at the next sign-in, before it finishes (flows/login/enrol.ts). The same use case as the
// CLI's (services.mfaRequirements); audited as system_role.mfa_required_changed / team.mfa_required_changed.
import { z } from "zod";
import type { AppContext } from "../../../web-context.ts";
import { catalogueError } from "../../../errors.ts";
import { documented } from "../declared-errors.ts";
import { defineRoute, type ApiRoute } from "../openapi.ts";
import { actorOf } from "./users-views.ts";
import { requestOf } from "../../../../services/admin-actor.ts";

const ROLES = { token: "user", permission: "gatehouse.admin.roles.manage" } as const;
const TEAMS = { token: "user", permission: "gatehouse.admin.teams.manage" } as const;
const body = z.strictObject({ required: z.boolean().meta({ description: "true: every holder / member must have a second factor" }) });
const view = z.object({ required: z.boolean() }).meta({ id: "MfaRequired" });
const roleParams = z.strictObject({ key: z.string().max(40).meta({ description: "the system role's key", example: "support" }) });
const teamParams = z.strictObject({ teamId: z.string().max(64).meta({ description: "the team's id" }) });

export function mfaRequiredRoutes(app: AppContext): ApiRoute[] {
  const mfa = app.services.mfaRequirements;
  const found = (flag: boolean | null, code: "system_role.not_found" | "team.not_found") => {
    if (flag === null) throw catalogueError(code);
    return { required: flag };
  };
  return [
    defineRoute({
      method: "get",
      path: "/api/v1/system-roles/:key/mfa-required",
      tags: ["Admin: system roles"],
      access: ROLES,
      params: roleParams,
      summary: "Whether the role requires a second factor",
      response: { status: 200, description: "the flag", schema: view },
      errors: [documented("system_role.not_found")],
      handle: async (_ctx, { params }) => found(await mfa.systemRoleFlag(params.key), "system_role.not_found"),
    }),
    defineRoute({
      method: "put",
      path: "/api/v1/system-roles/:key/mfa-required",
      tags: ["Admin: system roles"],
      access: ROLES,
      params: roleParams,
      body,
      summary: "Require a second factor of every holder of the role",
      description:
        "Holders without TOTP or a passkey set up TOTP at their next sign-in, before it finishes. Audited as system_role.mfa_required_changed.",
      response: { status: 200, description: "the flag now", schema: view },
      errors: [documented("system_role.not_found")],
      handle: async (ctx, { params, body: b }) => {
        const a = actorOf(ctx);
        const result = await mfa.setForSystemRole(a.actorId, params.key, b.required, requestOf(a));
        if (result.outcome === "not_found") throw catalogueError("system_role.not_found");
        return { required: result.requireMfa };
      },
    }),
    defineRoute({
      method: "get",
      path: "/api/v1/teams/:teamId/mfa-required",
      tags: ["Admin: teams"],
      access: TEAMS,
      params: teamParams,
      summary: "Whether the team requires a second factor",
      response: { status: 200, description: "the flag", schema: view },
      errors: [documented("team.not_found")],
      handle: async (_ctx, { params }) => found(await mfa.teamFlag(params.teamId), "team.not_found"),
    }),
    defineRoute({
      method: "put",
      path: "/api/v1/teams/:teamId/mfa-required",
      tags: ["Admin: teams"],
      access: TEAMS,
      params: teamParams,
      body,
      summary: "Require a second factor of every member of the team",
      description:
        "Members without TOTP or a passkey set up TOTP at their next sign-in, before it finishes. Audited as team.mfa_required_changed.",
      response: { status: 200, description: "the flag now", schema: view },
      errors: [documented("team.not_found")],
      handle: async (ctx, { params, body: b }) => {
        const a = actorOf(ctx);
        const result = await mfa.setForTeam(a.actorId, params.teamId, b.required, requestOf(a));
        if (result.outcome === "not_found") throw catalogueError("team.not_found");
        return { required: result.requireMfa };
      },
    }),
  ];
}
