// `DELETE /api/v1/users/:userId` (gatehouse.admin.users.manage): an administrator deletes a user through the same
// use case as the admin page and the CLI (services.accountDeletion.deleteUser): erased at once, every session and
// token ended, relying parties told, the user emailed. Refused (error catalogue): the caller themselves, a user
// whose system role is wider than the caller's, the last active Super Admin, the Owner of a team with other members.
import { z } from "zod";
import type { AppContext } from "../../../web-context.ts";
import { catalogueError } from "../../../errors.ts";
import { documented } from "../declared-errors.ts";
import { adminDeletionRefusal } from "../../../../services/account-deletion.ts";
import { tokenOf } from "../auth.ts";
import { defineRoute, type ApiRoute } from "../openapi.ts";
import { actorOf, OUTRANKED_DOC, userParams } from "./users-views.ts";

const MANAGE = { token: "user", permission: "gatehouse.admin.users.manage" } as const;

export function adminUserDeleteRoutes(app: AppContext): ApiRoute[] {
  return [
    defineRoute({
      method: "delete",
      path: "/api/v1/users/:userId",
      tags: ["Admin: users"],
      access: MANAGE,
      params: userParams,
      summary: "Delete a user",
      description:
        "Erases the account at once (whatever ACCOUNT_DELETION_GRACE_DAYS says): every session ends, every grant and token is revoked, relying parties get back-channel logouts, teams where the user is alone are deleted, the audit events about them are pseudonymised and they are emailed. Audited as user.deleted.",
      response: {
        status: 200,
        description: "deleted",
        schema: z.object({ deleted: z.literal(true), teamsDeleted: z.number().int() }).meta({ id: "UserDeleted" }),
      },
      errors: [
        documented("user.not_found"),
        documented("user.cannot_delete_self", "your own account is deleted from its account page or DELETE /api/v1/me"),
        OUTRANKED_DOC,
        documented("user.last_super_admin"),
        documented("user.owns_teams", "the user owns a team with other members (data.teams)"),
      ],
      handle: async (ctx, { params }) => {
        const result = await app.services.accountDeletion.deleteUser(params.userId, {
          ...actorOf(ctx),
          via: "api",
          clientId: tokenOf(ctx).client_id ?? null,
        });
        if (result.outcome === "deleted") return { deleted: true as const, teamsDeleted: result.teamsDeleted };
        throw catalogueError(
          adminDeletionRefusal(result.outcome)!,
          result.outcome === "owns_teams" ? { teams: result.teams.map((t) => ({ slug: t.slug, name: t.name })) } : undefined,
        );
      },
    }),
  ];
}
