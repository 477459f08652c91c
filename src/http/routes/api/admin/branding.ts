// The provider admin API for branding (gatehouse.admin.branding.manage): the instance's product name, logo,
// primary colour and links, and a client's own name, logo and colour on its sign-in and consent pages. The same
// use case as the admin Branding screen and `gatehouse branding` (services/branding.ts), audited as
// branding.updated with the acting admin (data.via = "api"). A logo is uploaded as the raw image body
// (Content-Type image/png, image/jpeg or image/webp; checked by its bytes, at most 256 KB).
import { z } from "zod";
import type { Context } from "koa";
import type { AppContext } from "../../../web-context.ts";
import { ADMIN_PERMISSIONS } from "../../../../authz/core-permissions.ts";
import { brandingInput, clientBrandingInput, type BrandingRefusal } from "../../../../services/branding.ts";
import { catalogueError } from "../../../errors.ts";
import { documented } from "../declared-errors.ts";
import { defineRoute, userOf, type ApiRoute } from "../openapi.ts";
import { readLimited } from "../../admin/branding-upload.ts";
import { LOGO_MAX_BYTES } from "../../../../services/brand-logo.ts";

const ACCESS = { token: "user", permission: ADMIN_PERMISSIONS.brandingManage } as const;
const TAGS = ["Admin: branding"];
const nullable = (description: string) => z.string().nullable().meta({ description });

export const branding = z
  .object({
    productName: nullable("the product name; null: BRAND_NAME"),
    logoUrl: nullable("the uploaded logo (/brand/logo/<sha-256>); null: BRAND_LOGO_URL or the built-in mark"),
    primaryColor: nullable("#rrggbb; null: BRAND_PRIMARY_COLOR or the built-in palette"),
    supportUrl: nullable("https:// or mailto: link in the footer and emails"),
    termsUrl: nullable("https:// link to the terms of service"),
    privacyUrl: nullable("https:// link to the privacy policy"),
    updatedAt: z.string().nullable().meta({ description: "when it was last changed; null: never" }),
    defaults: z
      .object({ productName: z.string(), logoUrl: z.string().nullable(), primaryColor: z.string().nullable() })
      .meta({ description: "what applies where a value is null (the BRAND_* settings)" }),
  })
  .meta({ id: "Branding" });

export const clientBranding = z
  .object({
    clientId: z.string(),
    displayName: nullable("the name on its sign-in and consent pages; null: the client's name"),
    logoUrl: nullable("its logo; null: the instance's"),
    primaryColor: nullable("#rrggbb; null: the instance's"),
  })
  .meta({ id: "ClientBranding" });

const brandingBody = brandingInput.meta({
  id: "BrandingChange",
  description: 'absent: unchanged; null or "": back to the default; removeLogo: drop the uploaded logo',
});
const clientBrandingBody = clientBrandingInput.meta({
  id: "ClientBrandingChange",
  description: "absent: unchanged; null or \"\": back to the instance's; removeLogo: drop the client's logo",
});
const clientParams = z.strictObject({ clientId: z.string().min(1).max(200) });

const actorOf = (ctx: Context) => ({ actorId: userOf(ctx).id, ip: ctx.ip, userAgent: ctx.get("user-agent") || null });
const refused = (r: BrandingRefusal) => catalogueError(r.code, r.message ? { problem: r.message } : undefined);
const LOGO_ERRORS = [
  documented("branding.logo_too_large", "more than 256 KB"),
  documented("request.too_large#logo_upload", "the body is larger than 256 KB (by its Content-Length, or while it is read)"),
  documented("branding.logo_type", "not a PNG, JPEG or WebP image (by its bytes; SVG is refused)"),
];
const LOGO_DESCRIPTION = `The request body is the image itself (Content-Type image/png, image/jpeg or image/webp), at most ${LOGO_MAX_BYTES / 1024} KB; its type is read from its bytes, never from the name or header. SVG is refused: an SVG file can carry scripts.`;

export function adminBrandingRoutes(app: AppContext): ApiRoute[] {
  const { branding: use } = app.services;
  return [
    defineRoute({
      method: "get",
      path: "/api/v1/admin/branding",
      tags: TAGS,
      access: ACCESS,
      summary: "The instance's branding",
      response: { status: 200, description: "the stored values (null: the default applies) and the defaults", schema: branding },
      handle: () => use.view(),
    }),
    defineRoute({
      method: "put",
      path: "/api/v1/admin/branding",
      tags: TAGS,
      access: ACCESS,
      body: brandingBody,
      summary: "Change the instance's branding",
      description: "Shown at once by this server process, by others within 30 seconds.",
      response: { status: 200, description: "the branding after the change", schema: branding },
      errors: [documented("branding.invalid", "a value is not valid (data.problem says which)")],
      handle: async (ctx, { body }) => {
        const r = await use.update(actorOf(ctx), "api", body);
        if (!r.ok) throw refused(r);
        return r.branding;
      },
    }),
    defineRoute({
      method: "put",
      path: "/api/v1/admin/branding/logo",
      tags: TAGS,
      access: ACCESS,
      summary: "Upload the instance's logo",
      description: LOGO_DESCRIPTION,
      response: { status: 200, description: "the branding with the new logo", schema: branding },
      errors: LOGO_ERRORS,
      handle: async (ctx) => {
        const r = await use.update(actorOf(ctx), "api", { logo: await readLimited(ctx, LOGO_MAX_BYTES + 1) });
        if (!r.ok) throw refused(r);
        return r.branding;
      },
    }),
    defineRoute({
      method: "get",
      path: "/api/v1/admin/clients/:clientId/branding",
      tags: TAGS,
      access: ACCESS,
      params: clientParams,
      summary: "A client's own branding on its sign-in and consent pages",
      response: { status: 200, description: "its values (null: the instance's applies)", schema: clientBranding },
      errors: [documented("branding.client_not_found")],
      handle: async (_ctx, { params }) => {
        const view = await use.clientView(params.clientId);
        if (!view) throw catalogueError("branding.client_not_found");
        return view;
      },
    }),
    defineRoute({
      method: "put",
      path: "/api/v1/admin/clients/:clientId/branding",
      tags: TAGS,
      access: ACCESS,
      params: clientParams,
      body: clientBrandingBody,
      summary: "Change a client's own branding",
      response: { status: 200, description: "its branding after the change", schema: clientBranding },
      errors: [documented("branding.client_not_found")],
      handle: async (ctx, { params, body }) => {
        const r = await use.updateClient(actorOf(ctx), "api", params.clientId, body);
        if (!r.ok) throw refused(r);
        return r.branding;
      },
    }),
    defineRoute({
      method: "put",
      path: "/api/v1/admin/clients/:clientId/branding/logo",
      tags: TAGS,
      access: ACCESS,
      params: clientParams,
      summary: "Upload a client's logo",
      description: LOGO_DESCRIPTION,
      response: { status: 200, description: "its branding with the new logo", schema: clientBranding },
      errors: [...LOGO_ERRORS, documented("branding.client_not_found")],
      handle: async (ctx, { params }) => {
        const r = await use.updateClient(actorOf(ctx), "api", params.clientId, { logo: await readLimited(ctx, LOGO_MAX_BYTES + 1) });
        if (!r.ok) throw refused(r);
        return r.branding;
      },
    }),
  ];
}
