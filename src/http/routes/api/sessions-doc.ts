// The admin sessions routes as the OpenAPI document and the 405 table see them. sessions.ts registers these
// routes itself (it is not in the registry yet): these declarations have no handler (`mountedElsewhere`) and
// repeat its paths, permissions and answers by hand; test/e2e/api-openapi.test.ts checks that every route on
// the router is in the document. Folding sessions.ts into the registry: move its handlers into `handle`
// (access { token: "user", permission: READ | MANAGE } replaces requireAdmin, the params schemas replace the
// UUID / SESSION_ID checks), register them with mountApiRoutes, and delete this file.
import { z } from "zod";
import { defineRoute, type ApiRoute } from "./openapi.ts";

const when = z.string().meta({ format: "date-time" });

const adminSession = z.object({
  id: z.string(), userId: z.uuid(),
  browser: z.string().nullable(), os: z.string().nullable(), deviceType: z.string().nullable(),
  ip: z.string().nullable(), countryCode: z.string().nullable(), city: z.string().nullable(),
  location: z.string().meta({ description: "city and country for people, or \"unknown location\"" }),
  remember: z.boolean(), clients: z.array(z.string()),
  startedAt: when, lastActiveAt: when, expiresAt: when,
}).meta({ id: "UserSession" });

const userParams = z.object({ userId: z.string().meta({ description: "the user's id (a UUID; anything else is 404 user.not_found)" }) });
const sessionParams = userParams.extend({ sessionId: z.string() });
const TAGS = ["Admin: sessions"];
const notFound = (what: string) => [{ status: 404, description: what }];

export const adminSessionRoutes: ApiRoute[] = [
  defineRoute({
    mountedElsewhere: true, method: "get", path: "/api/v1/users/:userId/sessions", tags: TAGS, params: userParams,
    access: { token: "user", permission: "gatehouse.admin.users.read" },
    summary: "A user's live sessions (admin)",
    response: { status: 200, description: "every live session of the user, newest first (not paged yet)", schema: z.object({ sessions: z.array(adminSession) }).meta({ id: "UserSessionList" }) },
    errors: notFound("user.not_found"),
  }),
  defineRoute({
    mountedElsewhere: true, method: "delete", path: "/api/v1/users/:userId/sessions/:sessionId", tags: TAGS, params: sessionParams,
    access: { token: "user", permission: "gatehouse.admin.users.manage" },
    summary: "End one of a user's sessions (admin)",
    description: "Audited as session.revoked (reason revoked_by_admin) with the admin as actorId.",
    response: { status: 204, description: "ended" },
    errors: notFound("user.not_found or session.not_found"),
  }),
  defineRoute({
    mountedElsewhere: true, method: "delete", path: "/api/v1/users/:userId/sessions", tags: TAGS, params: userParams,
    access: { token: "user", permission: "gatehouse.admin.users.manage" },
    summary: "End every session of a user (admin)",
    response: { status: 200, description: "the ids of the sessions ended", schema: z.object({ ended: z.array(z.string()) }) },
    errors: notFound("user.not_found"),
  }),
];
