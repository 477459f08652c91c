// The admin Clients screens (gatehouse.admin.clients.manage): the list, registering a client (validated with the
// client service's newClientSchema; errors inline, 400; a confidential client's secret shown once on the answer
// to the POST, never stored or logged), a client's page, editing it (every field but its type), rotating its
// secret (confirmation, then the new secret once; the old one stops working at once) and deleting it
// (confirmation naming it: it can no longer authenticate, start logins or refresh tokens). CSRF on every POST;
// every change audited with the acting admin (client.created / updated / secret_rotated / deleted).
// Here: the list and a client's page. Registering and editing are clients-edit.ts (the form itself and its
// refusals' words: clients-form.ts), rotating the secret and deleting clients-actions.ts, and what they all
// share (permission, CSRF, the client in the URL, the list and form pages) clients-pages.ts.
import type Router from "@koa/router";
import type { AppContext } from "../../web-context.ts";
import type { AdminRouteHelpers } from "./shared.ts";
import { clientView, createClientPages } from "./clients-pages.ts";
import { registerClientEditing, registerClientRegistration } from "./clients-edit.ts";
import { registerClientActions } from "./clients-actions.ts";

export function registerAdminClientRoutes(router: Router, app: AppContext, h: AdminRouteHelpers): void {
  const pages = createClientPages(router, app, h);
  const { guard } = pages;

  router.get("/admin/clients", guard, (ctx) => pages.renderList(ctx));

  // before /admin/clients/:id, which "new" would match too
  registerClientRegistration(pages);

  router.get("/admin/clients/:id", guard, async (ctx) => {
    const c = await pages.clientOr404(ctx);
    return h.render(ctx, "clients-detail", { section: "clients", title: c.name, client: clientView(c) });
  });

  registerClientEditing(pages);
  registerClientActions(pages);
}
