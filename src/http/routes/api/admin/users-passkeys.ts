// Admin API for a user's passkeys and security keys: GET /api/v1/users/:userId/passkeys
// (gatehouse.admin.users.read) and DELETE /api/v1/users/:userId/passkeys/:passkeyId (gatehouse.admin.users.manage).
// Removal is the same use case as the admin page's (services.userAdmin.removePasskey): audited as passkey.removed
// with the admin as actorId, the owner emailed; a user whose system role holds more than the caller's is out of
// reach (403 user.outranked). Never the key itself: name, kind, dates, transports, AAGUID.
import { z } from "zod";
import type { AppContext } from "../../../web-context.ts";
import { ADMIN_PERMISSIONS } from "../../../../authz/core-permissions.ts";
import { catalogueError } from "../../../errors.ts";
import { documented } from "../declared-errors.ts";
import { defineRoute, type ApiRoute } from "../openapi.ts";
import { apiActorOf, OUTRANKED_DOC, outranked, userNotFound, userParams } from "./users-views.ts";
import type { PasskeyView } from "../../../../services/passkeys/index.ts";

const READ = { token: "user", permission: ADMIN_PERMISSIONS.usersRead } as const;
const MANAGE = { token: "user", permission: ADMIN_PERMISSIONS.usersManage } as const;
const TAGS = ["Admin: passkeys"];

const passkeyParams = userParams.extend({ passkeyId: z.uuid("is not a passkey id").meta({ description: "the passkey's id (a UUID)" }) });

export const adminPasskey = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z
      .enum(["hwk", "swk"])
      .meta({ description: "hwk: a security key (single device); swk: a platform or synced passkey (the amr value it gives)" }),
    deviceType: z.string().meta({ description: "singleDevice or multiDevice (synced)" }),
    backedUp: z.boolean(),
    transports: z.array(z.string()),
    aaguid: z.string(),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
  })
  .meta({ id: "AdminPasskey" });

const passkeyView = (p: PasskeyView) => ({
  id: p.id,
  name: p.name,
  kind: p.kind,
  deviceType: p.deviceType,
  backedUp: p.backedUp,
  transports: p.transports,
  aaguid: p.aaguid,
  createdAt: p.createdAt.toISOString(),
  lastUsedAt: p.lastUsedAt?.toISOString() ?? null,
});

export function adminPasskeyRoutes(app: AppContext): ApiRoute[] {
  const ua = () => app.services.userAdmin;
  return [
    defineRoute({
      method: "get",
      path: "/api/v1/users/:userId/passkeys",
      tags: TAGS,
      access: READ,
      params: userParams,
      summary: "A user's passkeys and security keys (admin)",
      response: {
        status: 200,
        description: "the user's passkeys, oldest first",
        schema: z.object({ passkeys: z.array(adminPasskey) }).meta({ id: "AdminPasskeyList" }),
      },
      errors: [documented("user.not_found")],
      handle: async (_ctx, { params }) => {
        const result = await ua().passkeys(params.userId);
        if (result.outcome === "not_found") throw userNotFound();
        return { passkeys: result.passkeys.map(passkeyView) };
      },
    }),

    defineRoute({
      method: "delete",
      path: "/api/v1/users/:userId/passkeys/:passkeyId",
      tags: TAGS,
      access: MANAGE,
      params: passkeyParams,
      summary: "Remove one of a user's passkeys (admin)",
      description: "Audited as passkey.removed with the admin as actorId (via api); the user is told by email.",
      response: { status: 204, description: "removed" },
      errors: [OUTRANKED_DOC, documented("user.not_found"), documented("passkey.not_found", "the user has no such passkey")],
      handle: async (ctx, { params }) => {
        const result = await ua().removePasskey(params.userId, params.passkeyId, apiActorOf(ctx));
        if (result.outcome === "outranked") throw outranked();
        if (result.outcome === "not_found") throw userNotFound();
        if (result.outcome === "passkey_not_found") throw catalogueError("passkey.not_found");
      },
    }),
  ];
}
