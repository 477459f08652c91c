// The admin "Sign-in providers" screens (gatehouse.admin.connectors.manage; #17): the list, adding one (from a
// preset: only the client id and secret to fill; or custom OpenID Connect / OAuth 2.0), editing (the secret
// field left empty keeps the secret, which is never shown back), enable/disable, delete (confirmation; refused
// while accounts sign in through it). private_key_jwt connectors show their JWKS URL and keys on the edit page,
// with "make a new signing key" and "remove the old keys". The same use case as the API and the CLI
// (services/federation/connectors.ts).
// CSRF on every POST; each change audited with the acting admin.
// Here: the list. Adding and editing are connectors-edit.ts (the form itself: connectors-form.ts), the other
// actions connectors-actions.ts, and what they all share (permission, CSRF, the provider in the URL, the list and
// form pages) connectors-pages.ts.
import type Router from "@koa/router";
import type { AppContext } from "../../web-context.ts";
import type { AdminRouteHelpers } from "./shared.ts";
import { createConnectorPages } from "./connectors-pages.ts";
import { registerConnectorAdding, registerConnectorEditing } from "./connectors-edit.ts";
import { registerConnectorDeletion, registerConnectorSwitches } from "./connectors-actions.ts";

export function registerAdminConnectorRoutes(router: Router, app: AppContext, h: AdminRouteHelpers): void {
  const pages = createConnectorPages(router, app, h);
  router.get("/admin/connectors", pages.guard, (ctx) => pages.renderList(ctx));
  registerConnectorAdding(pages);
  registerConnectorEditing(pages);
  registerConnectorSwitches(pages);
  registerConnectorDeletion(pages);
}
