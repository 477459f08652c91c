// Teams and who may do what: teams, their roles, members, invitations and ownership, the admin area's system
// roles, the permission registry kept in step with its table, and the Virtuozzo plugin's team links (#19).
import { createTeamService } from "../services/teams.ts";
import { createTeamAccess, createTeamRoleService } from "../services/team-roles.ts";
import { createTeamMemberService } from "../services/team-members.ts";
import { createInvitationService } from "../services/invitations.ts";
import { createOwnershipService } from "../services/ownership.ts";
import { createPermissionSync } from "../services/permission-sync.ts";
import { createSystemRoleService } from "../services/system-roles.ts";
import { createTeamAdmin } from "../services/team-admin.ts";
import { createVirtuozzo } from "../services/virtuozzo/index.ts";
import type { CoreServices } from "./core-services.ts";
import type { ServiceInputs } from "./inputs.ts";

export function createTeamServices({ config, queries, redis, clock, log }: ServiceInputs, core: CoreServices) {
  const { audit, permissions, notifications, oidcStore, clients } = core;
  const teams = createTeamService({ teams: queries.teams, registry: permissions });
  const teamAccess = createTeamAccess({ teams: queries.teams, registry: permissions });
  const teamWork = { teams: queries.teams, access: teamAccess, audit, clock };
  const virtuozzo = createVirtuozzo({
    links: queries.virtuozzoLinks,
    teams: queries.teams,
    access: teamAccess,
    audit,
    redis,
    clock,
    log,
    masterKey: config.secrets.masterKey,
    settings: config.virtuozzo,
    clientExists: async (id) => Boolean(await clients.find(id)),
  });
  return {
    teams,
    /** a team's custom roles and the rules on granting (team-roles.ts) */
    teamRoles: createTeamRoleService({ ...teamWork, registry: permissions }),
    /** role changes, removal and leaving (team-members.ts) */
    teamMembers: createTeamMemberService({
      ...teamWork,
      transfers: queries.ownershipTransfers,
      revokeTeamGrants: (userId, teamId) => oidcStore.revokeTeamGrants(userId, teamId),
    }),
    /** team and administrator invitations; acceptForUser is Door B of registration */
    invitations: createInvitationService({
      ...teamWork,
      invitations: queries.invitations,
      users: queries.users,
      permissions: queries.permissions,
      registry: permissions,
      notifications,
      issuer: config.issuer,
      ttlSeconds: config.invitationTtl,
    }),
    ownership: createOwnershipService({
      ...teamWork,
      transfers: queries.ownershipTransfers,
      users: queries.users,
      notifications,
      issuer: config.issuer,
      ttlSeconds: config.ownershipTransferTtl,
      // the Virtuozzo plugin (#19): a new Owner's team has no platform session until they confirm the link
      ...(config.virtuozzo.enabled ? { onOwnerChanged: (teamId: string) => virtuozzo.ownerChanged(teamId) } : {}),
    }),
    /** the registry and the permissions table in step: start sync, relying parties' registrations */
    permissionSync: createPermissionSync({
      registry: permissions,
      audit,
      permissions: queries.permissions,
      teams: queries.teams,
      clients: { find: (id) => queries.clients.findById(id) },
      log,
    }),
    /** the admin area's roles, users' system role, canAdmin(user, code) */
    systemRoles: createSystemRoleService({ permissions: queries.permissions, registry: permissions, audit, users: queries.users }),
    /** provider admins' team search; acting on a team goes through the team services with asAdmin(id) (team-admin.ts) */
    teamAdmin: createTeamAdmin({ directory: queries.teamDirectory, teams: queries.teams }),
    /** the Virtuozzo plugin (#19): team links, team-scoped platform sessions, the Door A group-type check (services/virtuozzo/) */
    virtuozzo,
  };
}

export type TeamServices = ReturnType<typeof createTeamServices>;
