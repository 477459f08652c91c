// What the team admin API's routes share: who the caller acts as on a team (a provider admin whose system role
// has gatehouse.admin.teams.manage acts as `asAdmin` on any team; anyone else as themselves, a member, so the
// team services decide by their role in the team), the UUID params, the refusals of the team services as API
// errors (not a member: 404 team.not_found, never revealing the team exists; forbidden: 403 permission.denied
// with the English words of the service's message key; invalid: 400 request.invalid with data.field), and the request info the
// services audit.
import type { Context } from "koa";
import { z } from "zod";
import type { AppContext } from "../../web-context.ts";
import { asAdmin } from "../../../services/team-admin.ts";
import type { TeamActorRef, TeamRefusal } from "../../../services/team-roles.ts";
import { catalogueError, refusalError, type AppError } from "../../errors.ts";
import { userOf } from "./openapi.ts";
import { fieldInvalid } from "./request-invalid.ts";
import { documented, type DocumentedError } from "./declared-errors.ts";
import { ADMIN_PERMISSIONS } from "../../../authz/core-permissions.ts";

export const TAGS = ["Teams"];

/** a UUID path segment, lower-cased (the services compare ids as strings) */
const uuidParam = (what: string) => z.uuid(`is not a ${what} id`).transform((id) => id.toLowerCase());
export const teamParams = z.strictObject({ teamId: uuidParam("team") });
export const memberParams = z.strictObject({ teamId: uuidParam("team"), userId: uuidParam("user") });
export const roleParams = z.strictObject({ teamId: uuidParam("team"), roleId: uuidParam("role") });
export const invitationParams = z.strictObject({ teamId: uuidParam("team"), invitationId: uuidParam("invitation") });
/** a UUID in a body, lower-cased */
export const uuidField = (what: string) => uuidParam(what).meta({ description: `the ${what}'s id` });

export const roleRef = z.object({ id: z.uuid(), key: z.string(), name: z.string() }).meta({ id: "TeamRoleRef" });

export type TeamApiError = "member" | "role" | "invitation" | "transfer";

const TEAM_NOT_FOUND = documented(
  "team.not_found#member",
  "there is no such team, or the caller is not one of its members (and is not a provider admin with gatehouse.admin.teams.manage)",
);
/** the documented 404 of a team route, with what else it can be missing (each documented(code, when)) */
export const notFoundDoc = (...also: DocumentedError[]) => ({
  status: 404,
  description: [TEAM_NOT_FOUND, ...also].map((d) => d.description).join("; "),
});
/** a team service's refusal of the caller's role (permission.denied with the service's words), `when` */
export const forbiddenDoc = (when: string) => documented("permission.denied#team", when);
/** a field the team service refused (400 request.invalid with data.field), `when` */
export const invalidDoc = (when: string) => documented("request.invalid", when);

const REFUSALS = new Set(["not_found", "forbidden", "invalid"]);
const isRefusal = (result: { outcome: string }): result is TeamRefusal => REFUSALS.has(result.outcome);

export function createTeamApi(app: AppContext) {
  const { services } = app;

  /** who the caller acts as on a team */
  async function actorOf(ctx: Context): Promise<TeamActorRef> {
    const user = userOf(ctx);
    return (await services.systemRoles.canAdmin(user, ADMIN_PERMISSIONS.teamsManage)) ? asAdmin(user.id) : user.id;
  }

  /** whether the caller sees the team at all (any member, whatever their role; an admin: it exists) */
  async function teamVisible(teamId: string, by: TeamActorRef): Promise<boolean> {
    return (await services.teamRoles.list(teamId, by)).outcome !== "not_found";
  }

  /** a team service's refusal as the API's error; `missing` names what a not_found is once the team is visible */
  async function apiError(teamId: string, by: TeamActorRef, refusal: TeamRefusal, missing?: TeamApiError): Promise<AppError> {
    switch (refusal.outcome) {
      case "not_found":
        if (missing && (await teamVisible(teamId, by))) return catalogueError(`${missing}.not_found`);
        // not the admin area's words ("There is no such team."): a member's view
        return catalogueError("team.not_found#member");
      case "forbidden":
        return refusalError("permission.denied#team", refusal);
      case "invalid":
        return fieldInvalid("body", refusal.field, refusal.message);
    }
  }

  return {
    actorOf,
    /** the service's answer when it is not a refusal; the refusal as an API error otherwise */
    async settle<R extends { outcome: string }>(
      teamId: string,
      by: TeamActorRef,
      result: R | TeamRefusal,
      missing?: TeamApiError,
    ): Promise<Exclude<R, TeamRefusal>> {
      if (isRefusal(result)) throw await apiError(teamId, by, result, missing);
      return result as Exclude<R, TeamRefusal>;
    },
    request: (ctx: Context) => ({ ip: ctx.ip, userAgent: ctx.get("user-agent") || null }),
  };
}

export type TeamApi = ReturnType<typeof createTeamApi>;
