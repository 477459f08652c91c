// The landing page at /.
import type Router from "@koa/router";
import type { AppContext } from "../web-context.ts";

export function registerHomeRoutes(router: Router, app: AppContext) {
  router.get("/", async (ctx) => {
    ctx.type = "html";
    ctx.body = await app.views.render("pages/home", { title: "Home", issuer: app.config.issuer, signedIn: false });
  });
}
