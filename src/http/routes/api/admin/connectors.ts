// The provider admin API for upstream identity providers (gatehouse.admin.connectors.manage; #17): list, view,
// create (from a preset: only name/slug, client id and secret needed), change (only the fields sent; no
// clientSecret: the secret is kept), delete (409 connector.in_use while accounts are linked: disable it). The
// client secret is never in an answer; a private_key_jwt connector answers its jwksUri and key ids (never a
// private part) and has rotate-key / remove-old-keys. The same use case as the admin screen and the CLI
// (services/federation/connectors.ts), audited as connector.* with data.via = "api".
import { z } from "zod";
import { apiActorOf } from "./users-views.ts";
import type { AppContext } from "../../../web-context.ts";
import { ADMIN_PERMISSIONS } from "../../../../authz/core-permissions.ts";
import { connectorChangesSchema, newConnectorSchema } from "../../../../services/federation/connector-schemas.ts";
import { connectorView } from "../../../../services/federation/connector-view.ts";
import type { Invalid } from "../../../../services/federation/connector-settings.ts";
import { PRESETS } from "../../../../services/federation/presets.ts";
import { catalogueError } from "../../../errors.ts";
import { documented } from "../declared-errors.ts";
import { when } from "../schemas.ts";
import { defineRoute, type ApiRoute } from "../openapi.ts";
import { nextCursor, pageOf, pageQuery } from "../pagination.ts";
import { requestInvalid } from "../request-invalid.ts";

const ACCESS = { token: "user", permission: ADMIN_PERMISSIONS.connectorsManage } as const;
const TAGS = ["Admin: sign-in providers"];
const NOT_FOUND = documented("connector.not_found", "there is no such connector");
const params = z.strictObject({ connectorId: z.uuid().meta({ description: "the connector's id" }) });

export const adminConnector = z
  .object({
    id: z.string(),
    slug: z.string().meta({ description: "in the callback URL and the `idp` claim" }),
    name: z.string(),
    kind: z.enum(["oidc", "oauth2", "saml"]),
    preset: z.enum(PRESETS).nullable(),
    enabled: z.boolean(),
    issuer: z.string().nullable(),
    authorizationEndpoint: z.string().nullable(),
    tokenEndpoint: z.string().nullable(),
    userinfoEndpoint: z.string().nullable(),
    emailsEndpoint: z.string().nullable(),
    clientId: z.string(),
    hasSecret: z.boolean().meta({ description: "the secret is set (it is never shown back)" }),
    scopes: z.array(z.string()),
    claimsMapping: z.record(z.string(), z.string()),
    trustEmailVerified: z.boolean(),
    redirectUri: z.string().meta({ description: "register this redirect URI at the upstream (oidc, oauth2)" }),
    samlCertificates: z.array(z.string()).meta({ description: "saml: the IdP's signing certificates (base64 DER)" }),
    spMetadataUrl: z.string().nullable().meta({ description: "saml: our SP metadata (its URL is our entity id): give it to the IdP" }),
    acsUrl: z.string().nullable().meta({ description: "saml: our Assertion Consumer Service URL (HTTP-POST)" }),
    tokenAuthMethod: z
      .enum(["client_secret_post", "client_secret_basic", "private_key_jwt"])
      .meta({ description: "how Gatehouse authenticates at the upstream's token endpoint" }),
    jwksUri: z
      .string()
      .nullable()
      .meta({ description: "private_key_jwt: our public keys; register this as the client's jwks_uri at the upstream" }),
    signingKeys: z
      .array(z.object({ kid: z.string(), createdAt: z.string(), current: z.boolean(), signsFrom: z.string().nullable() }))
      .meta({
        description:
          "private_key_jwt: the published keys (ids only), newest first; `current` signs now; a newer key signs from `signsFrom` (10 minutes after its rotation, once upstreams have fetched it)",
      }),
    createdAt: when,
    updatedAt: when,
  })
  .meta({ id: "AdminConnector" });

export function adminConnectorRoutes(app: AppContext): ApiRoute[] {
  const { services } = app;
  const notFound = () => catalogueError("connector.not_found");
  const view = (c: Parameters<typeof connectorView>[0]) =>
    ({
      ...connectorView(c),
      redirectUri: services.upstream.redirectUri(c.slug),
      jwksUri: c.tokenAuthMethod === "private_key_jwt" ? services.upstream.jwksUri(c.slug) : null,
      spMetadataUrl: c.kind === "saml" ? services.saml.entityId(c.slug) : null,
      acsUrl: c.kind === "saml" ? services.saml.acsUrl(c.slug) : null,
    }) as z.input<typeof adminConnector>;
  const actor = apiActorOf;
  const invalid = (r: Invalid) =>
    requestInvalid("body", [{ code: "custom", path: ["body", r.field], message: r.message }], { field: r.field });

  return [
    defineRoute({
      method: "get",
      path: "/api/v1/connectors",
      tags: TAGS,
      access: ACCESS,
      query: pageQuery,
      summary: "Upstream identity providers, newest first",
      response: {
        status: 200,
        description: "a page of connectors (never a secret)",
        schema: z.object({ connectors: z.array(adminConnector), nextCursor }).meta({ id: "AdminConnectorPage" }),
      },
      handle: async (_ctx, { query }) => {
        const page = pageOf(await services.connectors.list(), (c) => [c.createdAt.toISOString(), c.id], query);
        return { connectors: page.items.map(view), nextCursor: page.nextCursor };
      },
    }),

    defineRoute({
      method: "post",
      path: "/api/v1/connectors",
      tags: TAGS,
      access: ACCESS,
      body: newConnectorSchema,
      summary: "Add an upstream identity provider",
      description:
        "With `preset` (google, microsoft, gitlab, github) only slug, clientId and clientSecret are needed (microsoft: also issuer, the tenant's). Custom: kind oidc needs issuer; kind oauth2 needs the authorization, token and user-info endpoints and claimsMapping.subject; kind saml needs idpMetadata (the IdP's metadata XML) or idpEntityId, authorizationEndpoint (its HTTP-Redirect SSO URL) and samlCertificates, and no client id or secret.",
      response: { status: 201, description: "added", schema: adminConnector },
      errors: [documented("connector.slug_taken", "another connector has this slug")],
      handle: async (ctx, { body }) => {
        const made = await services.connectors.create(body, actor(ctx));
        if (made.outcome === "invalid") throw invalid(made);
        if (made.outcome === "slug_taken") throw catalogueError("connector.slug_taken", undefined, { slug: body.slug });
        return view(made.connector);
      },
    }),

    defineRoute({
      method: "get",
      path: "/api/v1/connectors/:connectorId",
      tags: TAGS,
      access: ACCESS,
      params,
      query: z.strictObject({}),
      summary: "One upstream identity provider",
      response: { status: 200, description: "the connector (never its secret)", schema: adminConnector },
      errors: [NOT_FOUND],
      handle: async (_ctx, { params: p }) => {
        const c = await services.connectors.find(p.connectorId);
        if (!c) throw notFound();
        return view(c);
      },
    }),

    defineRoute({
      method: "patch",
      path: "/api/v1/connectors/:connectorId",
      tags: TAGS,
      access: ACCESS,
      params,
      body: connectorChangesSchema,
      summary: "Change an upstream identity provider",
      description:
        "Only the fields sent change; without clientSecret the secret is kept. enabled: false hides its button and refuses sign-ins through it.",
      response: { status: 200, description: "the changed connector", schema: adminConnector },
      errors: [NOT_FOUND],
      handle: async (ctx, { params: p, body }) => {
        const result = await services.connectors.update(p.connectorId, body, actor(ctx));
        if (result.outcome === "not_found") throw notFound();
        if (result.outcome === "invalid") throw invalid(result);
        return view(result.connector);
      },
    }),

    ...(["rotate-key", "remove-old-keys"] as const).map((action) =>
      defineRoute({
        method: "post",
        path: `/api/v1/connectors/:connectorId/${action}`,
        tags: TAGS,
        access: ACCESS,
        params,
        summary: action === "rotate-key" ? "private_key_jwt: make a new signing key" : "private_key_jwt: remove the old signing keys",
        description:
          action === "rotate-key"
            ? "The new key is published in the JWKS (jwksUri) at once and signs 10 minutes later (twice the JWKS cache time), so the upstream has fetched it first; the older ones stay published until removed."
            : "The keys older than the one signing now are no longer published (a newer key still waiting stays).",
        response: { status: 200, description: "the connector with its keys (ids only)", schema: adminConnector },
        errors: [NOT_FOUND, documented("request.invalid", "the connector does not use private_key_jwt")],
        handle: async (ctx, { params: p }) => {
          const result =
            action === "rotate-key"
              ? await services.connectors.rotateKey(p.connectorId, actor(ctx))
              : await services.connectors.removeOldKeys(p.connectorId, actor(ctx));
          if (result.outcome === "not_found") throw notFound();
          if (result.outcome === "invalid") throw invalid(result);
          return view(result.connector);
        },
      }),
    ),

    defineRoute({
      method: "delete",
      path: "/api/v1/connectors/:connectorId",
      tags: TAGS,
      access: ACCESS,
      params,
      summary: "Delete an upstream identity provider",
      response: { status: 204, description: "deleted" },
      errors: [NOT_FOUND, documented("connector.in_use", "accounts are linked through it (disable it instead)")],
      handle: async (ctx, { params: p }) => {
        const result = await services.connectors.remove(p.connectorId, actor(ctx));
        if (result.outcome === "not_found") throw notFound();
        if (result.outcome === "in_use") throw catalogueError("connector.in_use", { linked: result.linked });
      },
    }),
  ];
}
