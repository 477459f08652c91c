// The admin Signing keys screen (gatehouse.admin.keys.manage): every key's kid, algorithm, state (next, current,
// previous, retired) and dates, and "rotate now" (confirmation page, CSRF) through the one rotation use case
// (services/key-rotation.ts: this process's provider signs with the new key at once, the old key stays in the
// JWKS so tokens it signed still verify, audited as keys.rotated with the acting admin, via "admin_page").
import type Router from "@koa/router";
import type { Context } from "koa";
import type { AppContext } from "../../web-context.ts";
import { parseBody } from "../../body.ts";
import type { AdminRouteHelpers } from "./shared.ts";
import { ADMIN_PERMISSIONS } from "../../../authz/core-permissions.ts";

const CSRF = "admin-keys";
const when = (d: Date | null) => (d ? `${d.toISOString().replace("T", " ").slice(0, 16)} UTC` : "");
const ORDER: Record<string, number> = { next: 0, current: 1, previous: 2, retired: 3 };

export function registerAdminKeyRoutes(router: Router, app: AppContext, h: AdminRouteHelpers): void {
  const { services, csrf } = app;
  const guard = h.requireAdmin(ADMIN_PERMISSIONS.keysManage);

  async function renderList(ctx: Context, notice?: string) {
    const keys = (await services.keys.list())
      .map((k) => ({ kid: k.id, alg: k.alg, state: k.state, created: when(k.createdAt), activated: when(k.activatedAt), retireAfter: when(k.retireAfter), createdAt: k.createdAt }))
      .sort((a, b) => (ORDER[a.state]! - ORDER[b.state]!) || b.createdAt.getTime() - a.createdAt.getTime());
    // no timed refresh (WCAG 2.2.1, axe meta-refresh): the page says when it was read and offers a reload
    return h.render(ctx, "keys", { section: "keys", title: "Signing keys", keys, notice, shownAt: when(app.clock.now()) });
  }

  router.get("/admin/keys", guard, (ctx) => renderList(ctx));

  router.get("/admin/keys/rotate", guard, (ctx) => h.render(ctx, "keys-confirm", {
    section: "keys", title: "Rotate the signing keys", csrfToken: csrf.token(ctx, CSRF),
  }));

  router.post("/admin/keys/rotate", guard, parseBody(app.config.bodyLimit), async (ctx) => {
    csrf.verify(ctx, CSRF, (ctx.request.body as Record<string, unknown> | undefined)?._csrf);
    const { current } = await services.keyRotation.rotate(h.actor(ctx), "admin_page");
    return renderList(ctx, `Key ${current} now signs new tokens; the previous key stays published until the tokens it signed have expired.`);
  });
}
