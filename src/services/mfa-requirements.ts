// "Require a second factor" for a system role or a team (admin pages and API call these). A holder or member
// without TOTP or a passkey is made to set up TOTP at the next sign-in, as a step of the login flow
// (flows/login/enrol.ts), before the sign-in finishes. Each change is audited with it, in one transaction.
import type { MfaRequirementQueries } from "../queries/mfa-requirements.ts";
import { UUID } from "../lib/ids.ts";
import type { RequestInfo } from "./notifications.ts";

export type MfaFlagResult = { outcome: "ok"; requireMfa: boolean } | { outcome: "not_found" };

export function createMfaRequirements(deps: { queries: MfaRequirementQueries }) {
  const { queries } = deps;
  const event = (type: string, actorId: string, target: Record<string, string>, on: boolean, request: RequestInfo) => ({
    type,
    outcome: "success" as const,
    userId: null,
    actorId,
    ...request,
    data: { ...target, requireMfa: on },
  });

  return {
    /** why this user must have a second factor ("role:<key>", "team:<slug>"); empty: nothing requires one */
    requiredBy: (userId: string): Promise<string[]> => (UUID.test(userId) ? queries.requiredBy(userId) : Promise.resolve([])),

    async setForSystemRole(actorId: string, key: string, on: boolean, request: RequestInfo): Promise<MfaFlagResult> {
      const done = await queries.setForSystemRole(key, on, event("system_role.mfa_required_changed", actorId, { role: key }, on, request));
      return done ? { outcome: "ok", requireMfa: on } : { outcome: "not_found" };
    },

    async setForTeam(actorId: string, teamId: string, on: boolean, request: RequestInfo): Promise<MfaFlagResult> {
      if (!UUID.test(teamId)) return { outcome: "not_found" };
      const done = await queries.setForTeam(teamId, on, event("team.mfa_required_changed", actorId, { teamId }, on, request));
      return done ? { outcome: "ok", requireMfa: on } : { outcome: "not_found" };
    },

    systemRoleFlag: (key: string) => queries.systemRoleFlag(key),
    teamFlag: (teamId: string) => (UUID.test(teamId) ? queries.teamFlag(teamId) : Promise.resolve(null)),
  };
}

export type MfaRequirements = ReturnType<typeof createMfaRequirements>;
