// Team management pages under /account/teams/:slug/… (members, roles, invitations, ownership transfer), each
// behind the account sign-in and the actor's role in that team, and the invitation links (/invitations/:token).
// Every POST checks CSRF.
import type Router from "@koa/router";
import type { AppContext } from "../../web-context.ts";
import { parseBody } from "../../body.ts";
import { createTeamPages } from "./shared.ts";
import { registerMemberRoutes } from "./members.ts";
import { registerRoleRoutes } from "./roles.ts";
import { registerInvitationManagementRoutes } from "./invitations.ts";
import { registerTransferRoutes } from "./transfer.ts";
import { registerVirtuozzoRoutes } from "./virtuozzo.ts";
import { registerSsoRoutes } from "./sso.ts";
import { registerInvitationRoutes } from "../invitations.ts";

export function registerTeamRoutes(router: Router, app: AppContext): void {
  const pages = createTeamPages(app);
  const body = parseBody(app.config.bodyLimit);
  registerMemberRoutes(router, app, pages, body);
  registerRoleRoutes(router, app, pages, body);
  registerInvitationManagementRoutes(router, app, pages, body);
  registerTransferRoutes(router, app, pages, body);
  registerVirtuozzoRoutes(router, app, pages, body); // only with VIRTUOZZO_ENABLED
  registerSsoRoutes(router, app, pages, body); // email domains and single sign-on (#17 item 3)
  registerInvitationRoutes(router, app);
}
