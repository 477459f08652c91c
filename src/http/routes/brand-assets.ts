// /brand.css: the instance's colours (BRAND_PRIMARY_COLOR, lib/brand.ts) as a stylesheet from our own origin, so
// the pages' CSP stays style-src 'self' (no inline style). Linked by the layout, versioned by its content
// (?v=<hash>), so it may be cached; 404 when no colour is set (the built-in palette applies).
import type Router from "@koa/router";
import type { Brand } from "../../lib/brand.ts";

export function registerBrandAssets(router: Router, brand: Brand): void {
  router.get("/brand.css", (ctx, next) => {
    if (!brand.stylesheet) return next();
    ctx.type = "text/css; charset=utf-8";
    ctx.set("Cache-Control", "public, max-age=86400");
    ctx.body = brand.stylesheet;
  });
}
