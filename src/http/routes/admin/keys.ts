// The admin Signing keys screen (gatehouse.admin.keys.manage): every key's kid, algorithm, state (next, current,
// previous, retired) and dates, and "rotate now" (confirmation page, CSRF) through the one rotation use case
// (services/key-rotation.ts: this process's provider signs with the new key at once, the old key stays in the
// JWKS so tokens it signed still verify, audited as keys.rotated with the acting admin, via "admin_page").
import type Router from "@koa/router";
import type { Context } from "koa";
import type { AppContext } from "../../web-context.ts";
import { z } from "zod";
import { defineForms } from "../../forms.ts";
import type { AdminRouteHelpers } from "./shared.ts";
import { ADMIN_PERMISSIONS } from "../../../authz/core-permissions.ts";
import { sayFor } from "./config-words.ts";

const CSRF = "admin-keys";
const ORDER: Record<string, number> = { next: 0, current: 1, previous: 2, retired: 3 };

export function registerAdminKeyRoutes(router: Router, app: AppContext, h: AdminRouteHelpers): void {
  const { services, csrf } = app;
  const guard = h.requireAdmin(ADMIN_PERMISSIONS.keysManage);

  async function renderList(ctx: Context, notice?: string) {
    const keys = (await services.keys.list())
      // dates as Date (null: none yet), in the page's words (views' tDate)
      .map((k) => ({
        kid: k.id,
        alg: k.alg,
        state: k.state,
        created: k.createdAt,
        activated: k.activatedAt,
        retireAfter: k.retireAfter,
        createdAt: k.createdAt,
      }))
      .sort((a, b) => ORDER[a.state]! - ORDER[b.state]! || b.createdAt.getTime() - a.createdAt.getTime());
    // no timed refresh (WCAG 2.2.1, axe meta-refresh): the page says when it was read and offers a reload
    return h.render(ctx, "keys", { section: "keys", title: "adminCfg.keys.title", keys, notice, shownAt: app.clock.now() });
  }

  router.get("/admin/keys", guard, (ctx) => renderList(ctx));

  router.get("/admin/keys/rotate", guard, (ctx) =>
    h.render(ctx, "keys-confirm", {
      section: "keys",
      title: "adminCfg.keys.confirmTitle",
      refreshSeconds: app.config.keys.refreshSeconds,
      csrfToken: csrf.token(ctx, CSRF),
    }),
  );

  // through defineForms (http/forms.ts): the guard, then CSRF; the form has no fields of its own
  defineForms(router, app).post({
    path: "/admin/keys/rotate",
    guard,
    csrf: CSRF,
    body: z.object({}),
    async handle(ctx) {
      const { current } = await services.keyRotation.rotate(h.actor(ctx), "admin_page");
      return renderList(ctx, sayFor(ctx, "keys", app.config.defaultLocale)("adminCfg.keys.rotated", { kid: current }));
    },
  });
}
