// The brand's assets, all from our own origin so the pages' CSP stays strict (style-src 'self', img-src 'self'):
// - /brand.css: the instance's colours (BRAND_PRIMARY_COLOR or the colour administrators set; lib/brand.ts,
//   services/branding.ts) as a stylesheet. Linked by the layout, versioned by its content (?v=<hash>), so it may be
//   cached; 404 when no colour is set (the built-in palette applies).
// - /brand/clients/<client id>.css: a client's own colours on its sign-in and consent pages, the same way.
// - /brand/logo/<sha-256>: an uploaded logo (PNG, JPEG or WebP, checked by its bytes when uploaded:
//   services/brand-logo.ts). The URL is the content's hash, so it is cached for a year as immutable, with the
//   hash as ETag; the stored type is sent with nosniff and a CSP that allows nothing, should the file be opened.
import type Router from "@koa/router";
import type { Context, Next } from "koa";
import type { BrandStore } from "../../services/branding.ts";

const YEAR = 365 * 24 * 3600;

function sendStylesheet(ctx: Context, stylesheet: string, versioned: boolean): void {
  ctx.type = "text/css; charset=utf-8";
  // a versioned URL changes with the colours; an unversioned one is re-read within a minute of a change
  ctx.set("Cache-Control", versioned ? "public, max-age=86400" : "public, max-age=60");
  ctx.body = stylesheet;
}

export function registerBrandAssets(router: Router, brand: BrandStore): void {
  router.get("/brand.css", async (ctx: Context, next: Next) => {
    const { stylesheet } = await brand.current();
    if (!stylesheet) return next();
    sendStylesheet(ctx, stylesheet, typeof ctx.query.v === "string");
  });

  router.get("/brand/clients/:file", async (ctx: Context, next: Next) => {
    const file = String(ctx.params.file ?? "");
    if (!file.endsWith(".css")) return next();
    const { stylesheet } = await brand.forClient(file.slice(0, -4));
    if (!stylesheet) return next();
    sendStylesheet(ctx, stylesheet, typeof ctx.query.v === "string");
  });

  router.get("/brand/logo/:hash", async (ctx: Context, next: Next) => {
    const hash = String(ctx.params.hash ?? "");
    const etag = `"${hash}"`;
    if (ctx.get("if-none-match") === etag && /^[0-9a-f]{64}$/.test(hash)) {
      ctx.status = 304;
      return;
    }
    const logo = await brand.logo(hash);
    if (!logo) return next();
    ctx.set("Cache-Control", `public, max-age=${YEAR}, immutable`);
    ctx.set("ETag", etag);
    ctx.set("X-Content-Type-Options", "nosniff");
    ctx.set("Content-Security-Policy", "default-src 'none'; sandbox");
    ctx.type = logo.contentType;
    ctx.body = Buffer.from(logo.bytes);
  });
}
