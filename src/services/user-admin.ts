// The provider admins' user administration, one service for every admin surface (admin pages, REST API, CLI):
// search with cursor pages, one user's whole picture, and the actions (disable and enable, unlock, reset
// two-factor, sign out everywhere, send a password reset, change the system role, import from CSV rows:
// user-import.ts). Each call names the acting admin (`actorId`: a user id, or "cli"), the surface it came through
// (`via`: admin_page, api or cli) and the request, and is audited as user.<action> with that actor and data.via. Outcomes are unions, never thrown.
// Fields that leave here are safe to show an admin (never a password hash, TOTP secret or token).
// Built last, over the other services it uses (wiring/services.ts). This file puts the parts together: their
// dependencies, actor, shared outcomes and refusal codes are in user-admin-types.ts, the audit record and the
// other shared steps in user-admin-steps.ts; finding users in user-search.ts, the whole picture in
// user-details.ts, the actions in user-account-actions.ts (disable, enable, unlock, system role),
// user-credential-actions.ts (two-factor, password reset, passkeys) and user-session-actions.ts (sessions, grants).
import { createUserImport, type UserImport } from "./user-import.ts";
import type { UserAdminDeps } from "./user-admin-types.ts";
import { createUserAdminSteps } from "./user-admin-steps.ts";
import { createUserSearch } from "./user-search.ts";
import { createUserDetails } from "./user-details.ts";
import { createUserAccountActions } from "./user-account-actions.ts";
import { createUserCredentialActions } from "./user-credential-actions.ts";
import { createUserSessionActions } from "./user-session-actions.ts";

export function createUserAdmin(deps: UserAdminDeps) {
  const { queries, clock, services } = deps;
  const steps = createUserAdminSteps(services);
  return {
    ...createUserSearch(deps, steps),
    ...createUserDetails(deps, steps),
    ...createUserAccountActions(deps, steps),
    ...createUserSessionActions(deps, steps),
    ...createUserCredentialActions(deps, steps),
    /** CSV import rows: checked all together, then created all or none (user-import.ts) */
    import: createUserImport({ queries, clock, services }) satisfies UserImport,
  };
}

export type UserAdmin = ReturnType<typeof createUserAdmin>;
