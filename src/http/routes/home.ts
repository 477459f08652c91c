// The landing page at /, the language switcher (language.ts), and /favicon.ico (the SVG in public/, for browsers that ask there without reading the
// layout's <link rel="icon">).
import { readFileSync } from "node:fs";
import type Router from "@koa/router";
import type { AppContext } from "../web-context.ts";
import { fromRoot } from "../../lib/paths.ts";
import { registerLanguageRoutes } from "./language.ts";
import { localeLocals } from "../locale.ts";

const FAVICON = readFileSync(fromRoot("public/favicon.svg"));

export function registerHomeRoutes(router: Router, app: AppContext) {
  router.get("/", async (ctx) => {
    ctx.type = "html";
    ctx.body = await app.views.render("pages/home", {
      ...localeLocals(ctx, "home", app.config.defaultLocale),
      title: "Home",
      issuer: app.config.issuer,
      signedIn: false,
    });
  });
  registerLanguageRoutes(router, app); // the footer's language switcher (GET /language)
  router.get("/favicon.ico", (ctx) => {
    ctx.type = "image/svg+xml";
    ctx.set("Cache-Control", app.config.isProduction ? "public, max-age=86400" : "no-cache");
    ctx.body = FAVICON;
  });
}
