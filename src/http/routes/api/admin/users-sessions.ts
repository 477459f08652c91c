// Admin API for any user's sessions: GET /api/v1/users/:userId/sessions (gatehouse.admin.users.read, paged by
// cursor), DELETE one (/:sessionId) or all of them (gatehouse.admin.users.manage). Revocations end the
// sessions like the user's own Sessions page does (their refresh tokens stop working, relying parties hear it
// by back-channel logout); audited by the sessions service as session.revoked (reason revoked_by_admin) with
// the admin as actorId; a user whose system role holds more than the caller's is out of reach (403
// user.outranked). A malformed user or session id is a 400 request.invalid (the params schemas), an
// unknown user 404 user.not_found.
import { z } from "zod";
import type { AppContext } from "../../../web-context.ts";
import { ADMIN_PERMISSIONS } from "../../../../authz/core-permissions.ts";
import { catalogueError } from "../../../errors.ts";
import { documented } from "../declared-errors.ts";
import { defineRoute, type ApiRoute } from "../openapi.ts";
import { nextCursor, pageOf, pageQuery } from "../pagination.ts";
import { apiActorOf, OUTRANKED_DOC, outranked, adminSession, sessionView, userNotFound, userParams } from "./users-views.ts";

const READ = { token: "user", permission: ADMIN_PERMISSIONS.usersRead } as const;
const MANAGE = { token: "user", permission: ADMIN_PERMISSIONS.usersManage } as const;
const TAGS = ["Admin: sessions"];

const sessionParams = userParams.extend({
  sessionId: z
    .string()
    .regex(/^[\w-]{1,64}$/, "is not a session id")
    .meta({ description: "the session's id (its uid)" }),
});

export function adminSessionRoutes(app: AppContext): ApiRoute[] {
  const { services } = app;
  /** the user in the path exists (404 otherwise) */
  const ensureUser = async (userId: string) => {
    if (!(await services.userAdmin.find(userId))) throw userNotFound();
  };

  return [
    defineRoute({
      method: "get",
      path: "/api/v1/users/:userId/sessions",
      tags: TAGS,
      access: READ,
      params: userParams,
      query: pageQuery,
      summary: "A user's live sessions, newest first (admin)",
      response: {
        status: 200,
        description: "a page of the user's live sessions",
        schema: z.object({ sessions: z.array(adminSession), nextCursor }).meta({ id: "UserSessionPage" }),
      },
      errors: [documented("user.not_found")],
      handle: async (_ctx, { params, query }) => {
        await ensureUser(params.userId);
        const page = pageOf(await services.sessions.listActive(params.userId), (s) => [s.startedAt.toISOString(), s.id], query);
        return { sessions: page.items.map(sessionView), nextCursor: page.nextCursor };
      },
    }),

    defineRoute({
      method: "delete",
      path: "/api/v1/users/:userId/sessions/:sessionId",
      tags: TAGS,
      access: MANAGE,
      params: sessionParams,
      summary: "End one of a user's sessions (admin)",
      description: "Audited as session.revoked (reason revoked_by_admin) with the admin as actorId.",
      response: { status: 204, description: "ended" },
      errors: [OUTRANKED_DOC, documented("user.not_found"), documented("session.not_found#user", "the user has no such live session")],
      handle: async (ctx, { params }) => {
        const result = await services.userAdmin.endSession(params.userId, params.sessionId, apiActorOf(ctx));
        if (result.outcome === "outranked") throw outranked();
        if (result.outcome === "not_found") {
          await ensureUser(params.userId);
          throw catalogueError("session.not_found#user");
        }
      },
    }),

    defineRoute({
      method: "delete",
      path: "/api/v1/users/:userId/sessions",
      tags: TAGS,
      access: MANAGE,
      params: userParams,
      summary: "End every session of a user (admin)",
      description:
        "Each is audited as session.revoked (reason revoked_by_admin) with the admin as actorId. POST /api/v1/users/{userId}/sign-out-everywhere also revokes the user's grants.",
      response: {
        status: 200,
        description: "the ids of the sessions ended",
        schema: z.object({ ended: z.array(z.string()) }).meta({ id: "EndedSessions" }),
      },
      errors: [OUTRANKED_DOC, documented("user.not_found")],
      handle: async (ctx, { params }) => {
        const result = await services.userAdmin.endSessions(params.userId, apiActorOf(ctx));
        if (result.outcome === "outranked") throw outranked();
        if (result.outcome === "not_found") throw userNotFound();
        return { ended: result.ended };
      },
    }),
  ];
}
