// The provider admin API for OIDC clients (gatehouse.admin.clients.manage): list (newest first, by cursor), view,
// register (a confidential client's secret in that one answer only), change (any field but the type and the
// secret; the others keep their values), rotate the secret (the new one in that one answer; the old one stops
// working at once) and delete (it can no longer authenticate, start sign-ins or refresh tokens). Validation is
// the client service's, as on the admin Clients screen (clients-schema.ts); a refused field is a 400
// request.invalid naming it, a namespace another client overlaps 409 client.namespace_taken, and nothing
// changes. Every change is audited like the screen does it (client.created / updated / secret_rotated /
// deleted, the admin as actor, the affected client as clientId), with data.via = "api".
import { z, ZodError } from "zod";
import { apiActorOf } from "./users-views.ts";
import type { AppContext } from "../../../web-context.ts";
import { ADMIN_PERMISSIONS } from "../../../../authz/core-permissions.ts";
import { ClientNamespaceError } from "../../../../services/clients.ts";
import type { OidcClient } from "../../../../queries/clients.ts";
import { catalogueError } from "../../../errors.ts";
import { documented } from "../declared-errors.ts";
import { defineRoute, type ApiRoute } from "../openapi.ts";
import { nextCursor, pageOf, pageQuery } from "../pagination.ts";
import { adminClient, clientChangesBody, clientParams, clientView, createdClient, newClientBody, rotatedSecret } from "./clients-schema.ts";
import { requestInvalid, zodInvalid } from "../request-invalid.ts";

const ACCESS = { token: "user", permission: ADMIN_PERMISSIONS.clientsManage } as const;
const TAGS = ["Admin: clients"];
const NOT_FOUND = documented("client.not_found", "there is no such client");
const noQuery = z.strictObject({});

/** a refusal of the service as the API's error: a field rule (400) or an overlapping namespace (409) */
function refusal(err: unknown): unknown {
  if (err instanceof ZodError) return zodInvalid("body", err);
  if (err instanceof ClientNamespaceError) {
    return catalogueError("client.namespace_taken", { namespace: err.namespace, takenBy: err.takenBy });
  }
  return err;
}

export function adminClientRoutes(app: AppContext): ApiRoute[] {
  const { services, config } = app;
  const notFound = () => catalogueError("client.not_found");
  async function find(id: string): Promise<OidcClient> {
    const c = await services.clients.find(id);
    if (!c) throw notFound();
    return c;
  }
  const actor = apiActorOf;
  /** the resources must be among the configured resource servers, as on the screen */
  const checkResources = (resources: string[] | undefined) => {
    const issues = (resources ?? []).flatMap((r, i) =>
      config.resourceServers.includes(r)
        ? []
        : [
            {
              code: "custom",
              path: ["body", "resources", i],
              message: `is not one of the configured resource servers (${config.resourceServers.join(", ")})`,
            },
          ],
    );
    if (issues.length) throw requestInvalid("body", issues);
  };

  return [
    defineRoute({
      method: "get",
      path: "/api/v1/clients",
      tags: TAGS,
      access: ACCESS,
      query: pageQuery,
      summary: "Registered clients, newest first",
      response: {
        status: 200,
        description: "a page of clients (never a secret or its hash)",
        schema: z.object({ clients: z.array(adminClient), nextCursor }).meta({ id: "AdminClientPage" }),
      },
      handle: async (_ctx, { query }) => {
        const page = pageOf(await services.clients.list(), (c) => [c.createdAt.toISOString(), c.id], query);
        return { clients: page.items.map(clientView), nextCursor: page.nextCursor };
      },
    }),

    defineRoute({
      method: "post",
      path: "/api/v1/clients",
      tags: TAGS,
      access: ACCESS,
      body: newClientBody,
      summary: "Register a client",
      description: "A confidential client gets a secret, returned in this answer only: store it now. Only its hash is kept.",
      response: { status: 201, description: "registered", schema: createdClient },
      errors: [documented("client.namespace_taken", "the permission namespace overlaps another client's")],
      handle: async (ctx, { body }) => {
        checkResources(body.resources);
        const { client, secret } = await services.clientAdmin
          .create(body, actor(ctx))
          .catch((err: unknown) => Promise.reject(refusal(err)));
        return { client: clientView(client), secret };
      },
    }),

    defineRoute({
      method: "get",
      path: "/api/v1/clients/:clientId",
      tags: TAGS,
      access: ACCESS,
      params: clientParams,
      query: noQuery,
      summary: "One client",
      response: { status: 200, description: "the client (never its secret or its hash)", schema: adminClient },
      errors: [NOT_FOUND],
      handle: async (_ctx, { params }) => clientView(await find(params.clientId)),
    }),

    defineRoute({
      method: "patch",
      path: "/api/v1/clients/:clientId",
      tags: TAGS,
      access: ACCESS,
      params: clientParams,
      body: clientChangesBody,
      summary: "Change a client's settings",
      description:
        "Only the fields sent change; the result is validated like a new client of its type. Sign-ins use the new settings at once.",
      response: { status: 200, description: "the changed client", schema: adminClient },
      errors: [NOT_FOUND, documented("client.namespace_taken", "the permission namespace overlaps another client's")],
      handle: async (ctx, { params, body }) => {
        await find(params.clientId);
        checkResources(body.resources);
        const result = await services.clientAdmin
          .update(params.clientId, body, actor(ctx))
          .catch((err: unknown) => Promise.reject(refusal(err)));
        if (result.outcome === "not_found") throw notFound();
        return clientView(result.client);
      },
    }),

    defineRoute({
      method: "post",
      path: "/api/v1/clients/:clientId/secret",
      tags: TAGS,
      access: ACCESS,
      params: clientParams,
      summary: "Rotate a confidential client's secret",
      description: "The current secret stops working at once; the new one is in this answer only.",
      response: { status: 200, description: "the new secret", schema: rotatedSecret },
      errors: [NOT_FOUND, documented("client.public", "a public client has no secret")],
      handle: async (ctx, { params }) => {
        const rotated = await services.clientAdmin.rotateSecret(params.clientId, actor(ctx));
        if (rotated.outcome === "not_found") throw notFound();
        if (rotated.outcome === "public") throw catalogueError("client.public");
        return { clientId: rotated.client.id, secret: rotated.secret };
      },
    }),

    defineRoute({
      method: "delete",
      path: "/api/v1/clients/:clientId",
      tags: TAGS,
      access: ACCESS,
      params: clientParams,
      summary: "Delete a client",
      description:
        "It can no longer authenticate, start sign-ins or refresh tokens; its refresh tokens and userinfo access tokens stop working at once. JWT access tokens it already holds for APIs stay valid until they expire.",
      response: { status: 204, description: "deleted" },
      errors: [NOT_FOUND],
      handle: async (ctx, { params }) => {
        if ((await services.clientAdmin.remove(params.clientId, actor(ctx))).outcome === "not_found") throw notFound();
      },
    }),
  ];
}
