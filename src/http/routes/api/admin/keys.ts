// The provider admin API for signing keys (gatehouse.admin.keys.manage): the keys (kid, algorithm, state and
// dates: public facts only, never key material) and "rotate now", the same use case as the admin Signing keys
// screen and the CLI (services/key-rotation.ts). Audited as keys.rotated with the acting admin (data.via = "api").
import { z } from "zod";
import { when } from "../schemas.ts";
import type { AppContext } from "../../../web-context.ts";
import { ADMIN_PERMISSIONS } from "../../../../authz/core-permissions.ts";
import type { SigningKey } from "../../../../queries/signing-keys.ts";
import { tokenOf } from "../auth.ts";
import { defineRoute, userOf, type ApiRoute } from "../openapi.ts";
import { nextCursor, pageOf, pageQuery } from "../pagination.ts";

const ACCESS = { token: "user", permission: ADMIN_PERMISSIONS.keysManage } as const;
const TAGS = ["Admin: signing keys"];

export const signingKey = z
  .object({
    kid: z.string().meta({ description: "the key id (the kid of the JWKS entry and of the tokens it signs)" }),
    alg: z.string().meta({ example: "ES256" }),
    state: z.enum(["next", "current", "previous", "retired"]).meta({
      description:
        "next: published, not yet signing; current: signs new tokens; previous: published until the tokens it signed expire; retired: gone from the JWKS",
    }),
    published: z.boolean().meta({ description: "in the JWKS (every state but retired)" }),
    createdAt: when,
    activatedAt: when.nullable().meta({ description: "when it became the current key" }),
    deactivatedAt: when.nullable().meta({ description: "when it stopped signing" }),
    retireAfter: when.nullable().meta({ description: "a previous key leaves the JWKS after this" }),
  })
  .meta({ id: "SigningKey" });

const keyView = (k: SigningKey): z.input<typeof signingKey> => ({
  kid: k.id,
  alg: k.alg,
  state: k.state,
  published: k.state !== "retired",
  createdAt: k.createdAt.toISOString(),
  activatedAt: k.activatedAt?.toISOString() ?? null,
  deactivatedAt: k.deactivatedAt?.toISOString() ?? null,
  retireAfter: k.retireAfter?.toISOString() ?? null,
});

export function adminKeyRoutes(app: AppContext): ApiRoute[] {
  const { services } = app;
  return [
    defineRoute({
      method: "get",
      path: "/api/v1/keys",
      tags: TAGS,
      access: ACCESS,
      query: pageQuery,
      summary: "Signing keys, newest first",
      response: {
        status: 200,
        description: "a page of keys (public facts only, never key material)",
        schema: z.object({ keys: z.array(signingKey), nextCursor }).meta({ id: "SigningKeyPage" }),
      },
      handle: async (_ctx, { query }) => {
        const page = pageOf(await services.keys.list(), (k) => [k.createdAt.toISOString(), k.id], query);
        return { keys: page.items.map(keyView), nextCursor: page.nextCursor };
      },
    }),

    defineRoute({
      method: "post",
      path: "/api/v1/keys/rotate",
      tags: TAGS,
      access: ACCESS,
      summary: "Rotate the signing keys now",
      description:
        "The next key becomes current and signs new tokens at once (other processes follow within KEY_REFRESH_SECONDS); the former current key stays published until the tokens it signed have expired; a new next key is made.",
      response: {
        status: 200,
        description: "rotated",
        schema: z
          .object({
            current: z.string().meta({ description: "the kid that now signs new tokens" }),
            keys: z.array(signingKey).meta({ description: "the published keys (the JWKS), newest first" }),
          })
          .meta({ id: "SigningKeyRotation" }),
      },
      handle: async (ctx) => {
        const actor = { actorId: userOf(ctx).id, ip: ctx.ip, userAgent: ctx.get("user-agent") || null };
        const { current, published } = await services.keyRotation.rotate(actor, "api", { apiClientId: tokenOf(ctx).client_id });
        return { current, keys: published.map(keyView) };
      },
    }),
  ];
}
