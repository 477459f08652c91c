// The admin Branding screen (gatehouse.admin.branding.manage): the instance's product name, logo, primary colour
// and support, terms and privacy links (/admin/branding), and a client's own name, logo and colour on its sign-in
// and consent pages (/admin/clients/:id/branding). Both forms are multipart (the logo upload) with CSRF, and go
// through the one branding use case (services/branding.ts), audited as branding.updated via "admin_page".
import type Router from "@koa/router";
import type { Context } from "koa";
import type { AppContext } from "../../web-context.ts";
import type { AdminRouteHelpers } from "./shared.ts";
import { ADMIN_PERMISSIONS } from "../../../authz/core-permissions.ts";
import { CATALOGUE } from "../../../lib/error-catalogue.ts";
import { LOGO_MAX_BYTES } from "../../../services/brand-logo.ts";
import type { BrandingRefusal } from "../../../services/branding.ts";
import { catalogueError } from "../../errors.ts";
import { readUploadForm } from "./branding-upload.ts";
import { sayFor, type Say } from "./config-words.ts";

const CSRF = "admin-branding";
const LIMITS = { logoKb: LOGO_MAX_BYTES / 1024 };

/** the refusal's words: the catalogue's (in the page's language), with the field's problem for an invalid value */
const refusalText = (r: BrandingRefusal, say: Say) =>
  r.message ? `${say(CATALOGUE[r.code].message)} (${r.message})` : say(CATALOGUE[r.code].message);
const checked = (v: string | undefined) => v === "1";

export function registerAdminBrandingRoutes(router: Router, app: AppContext, h: AdminRouteHelpers): void {
  const { services, csrf } = app;
  const guard = h.requireAdmin(ADMIN_PERMISSIONS.brandingManage);

  async function renderInstance(
    ctx: Context,
    extra: { notice?: string; error?: string; values?: Record<string, string> } = {},
    status = 200,
  ) {
    const branding = await services.branding.view();
    const values = extra.values ?? {
      productName: branding.productName ?? "",
      primaryColor: branding.primaryColor ?? "",
      supportUrl: branding.supportUrl ?? "",
      termsUrl: branding.termsUrl ?? "",
      privacyUrl: branding.privacyUrl ?? "",
    };
    return h.render(
      ctx,
      "branding",
      {
        section: "branding",
        title: "adminCfg.branding.title",
        branding,
        values,
        limits: LIMITS,
        csrfToken: csrf.token(ctx, CSRF),
        notice: extra.notice,
        error: extra.error,
      },
      status,
    );
  }

  router.get("/admin/branding", guard, (ctx) => renderInstance(ctx));

  router.post("/admin/branding", guard, async (ctx) => {
    const { fields, file } = await readUploadForm(ctx, "logo");
    csrf.verify(ctx, CSRF, fields._csrf);
    const result = await services.branding.update(h.actor(ctx), "admin_page", {
      productName: fields.productName ?? "",
      primaryColor: fields.primaryColor ?? "",
      supportUrl: fields.supportUrl ?? "",
      termsUrl: fields.termsUrl ?? "",
      privacyUrl: fields.privacyUrl ?? "",
      removeLogo: checked(fields.removeLogo),
      ...(file ? { logo: file } : {}),
    });
    if (!result.ok)
      return renderInstance(
        ctx,
        { error: refusalText(result, sayFor(ctx, "branding", app.config.defaultLocale)), values: fields },
        CATALOGUE[result.code].status,
      );
    return renderInstance(ctx, { notice: "adminCfg.branding.saved" });
  });

  async function renderClient(
    ctx: Context,
    clientId: string,
    extra: { notice?: string; error?: string; values?: Record<string, string> } = {},
    status = 200,
  ) {
    const [client, branding] = await Promise.all([services.clients.find(clientId), services.branding.clientView(clientId)]);
    if (!client || !branding) throw catalogueError("client.not_found", { startOverUrl: "/admin/clients" });
    const values = extra.values ?? { displayName: branding.displayName ?? "", primaryColor: branding.primaryColor ?? "" };
    return h.render(
      ctx,
      "client-branding",
      {
        section: "clients",
        title: sayFor(ctx, "client-branding", app.config.defaultLocale)("adminCfg.clientBranding.title", { name: client.name }),
        client: { id: client.id, name: client.name },
        branding,
        values,
        limits: LIMITS,
        csrfToken: csrf.token(ctx, `${CSRF}:${client.id}`),
        notice: extra.notice,
        error: extra.error,
      },
      status,
    );
  }

  router.get("/admin/clients/:id/branding", h.requireAdmin(ADMIN_PERMISSIONS.brandingManage), (ctx) =>
    renderClient(ctx, String(ctx.params.id)),
  );

  router.post("/admin/clients/:id/branding", guard, async (ctx) => {
    const clientId = String(ctx.params.id);
    const { fields, file } = await readUploadForm(ctx, "logo");
    csrf.verify(ctx, `${CSRF}:${clientId}`, fields._csrf);
    const result = await services.branding.updateClient(h.actor(ctx), "admin_page", clientId, {
      displayName: fields.displayName ?? "",
      primaryColor: fields.primaryColor ?? "",
      removeLogo: checked(fields.removeLogo),
      ...(file ? { logo: file } : {}),
    });
    if (!result.ok) {
      if (result.code === "branding.client_not_found") throw catalogueError("client.not_found", { startOverUrl: "/admin/clients" });
      return renderClient(
        ctx,
        clientId,
        { error: refusalText(result, sayFor(ctx, "client-branding", app.config.defaultLocale)), values: fields },
        CATALOGUE[result.code].status,
      );
    }
    return renderClient(ctx, clientId, { notice: "adminCfg.branding.clientSaved" });
  });
}
