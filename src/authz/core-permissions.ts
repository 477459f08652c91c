// Gatehouse's own permissions. Team-level codes (gatehouse.team.*) go into team roles; admin-level codes
// (gatehouse.admin.*) into system roles. Owner holds "*" and Super Admin "*"; Manager gets the team and
// resources but not billing, Developer the resources (plugins' and relying parties' codes default to roles).
import type { PermissionDefinition } from "./registry.ts";

export const CORE_OWNER = "gatehouse";

export const CORE_PERMISSIONS: Record<string, PermissionDefinition> = {
  "gatehouse.team.read": { label: "See the team and its members", tab: "Team", roles: ["manager", "developer"] },
  "gatehouse.team.update": { label: "Rename the team", tab: "Team", roles: ["manager"] },
  "gatehouse.team.members.manage": { label: "Change members' roles and remove members", tab: "Team", roles: ["manager"] },
  "gatehouse.team.invitations.manage": { label: "Invite people, resend and revoke invitations", tab: "Team", roles: ["manager"] },
  "gatehouse.team.roles.manage": { label: "Create, edit and delete custom roles", tab: "Team", roles: ["manager"] },
  "gatehouse.team.billing.manage": { label: "Manage billing", tab: "Billing" },
  "gatehouse.admin.users.read": { label: "See users", tab: "Admin: users" },
  "gatehouse.admin.users.manage": { label: "Disable, unlock and sign out users; reset their 2FA", tab: "Admin: users" },
  "gatehouse.admin.teams.manage": { label: "Manage every team, its members and roles", tab: "Admin: teams" },
  "gatehouse.admin.roles.manage": { label: "Manage system roles", tab: "Admin: roles" },
  "gatehouse.admin.clients.manage": { label: "Create, edit and delete OIDC clients", tab: "Admin: clients" },
  "gatehouse.admin.connectors.manage": {
    label: "Add, change, disable and delete upstream identity providers (sign-in with Google, GitHub, a company IdP)",
    tab: "Admin: sign-in providers",
  },
  "gatehouse.admin.keys.manage": { label: "Rotate signing keys", tab: "Admin: keys" },
  "gatehouse.admin.audit.read": { label: "Read the audit log and analytics", tab: "Admin: audit" },
  "gatehouse.admin.invitations.manage": { label: "Invite administrators", tab: "Admin: users" },
  "gatehouse.admin.outbox.manage": {
    label: "See undelivered emails and back-channel logouts; retry or discard them",
    tab: "Admin: outbox",
  },
  "gatehouse.admin.webhooks.manage": { label: "Register, change and delete webhook endpoints", tab: "Admin: webhooks" },
  "gatehouse.admin.branding.manage": {
    label: "Change the branding: product name, logo, colour and links, and clients' own",
    tab: "Admin: branding",
  },
};

/** the admin permissions by name, for the code that checks them (the admin area, the admin API) */
export const ADMIN_PERMISSIONS = {
  usersRead: "gatehouse.admin.users.read",
  usersManage: "gatehouse.admin.users.manage",
  teamsManage: "gatehouse.admin.teams.manage",
  rolesManage: "gatehouse.admin.roles.manage",
  clientsManage: "gatehouse.admin.clients.manage",
  connectorsManage: "gatehouse.admin.connectors.manage",
  keysManage: "gatehouse.admin.keys.manage",
  auditRead: "gatehouse.admin.audit.read",
  invitationsManage: "gatehouse.admin.invitations.manage",
  outboxManage: "gatehouse.admin.outbox.manage",
  webhooksManage: "gatehouse.admin.webhooks.manage",
  brandingManage: "gatehouse.admin.branding.manage",
} as const;

/** the built-in team roles a new team starts with (Owner's "*" is not editable) */
export const BUILT_IN_TEAM_ROLES = [
  { key: "owner", name: "Owner" },
  { key: "manager", name: "Manager" },
  { key: "developer", name: "Developer" },
] as const;
export type BuiltInTeamRole = (typeof BUILT_IN_TEAM_ROLES)[number]["key"];

export const SUPER_ADMIN = "super_admin";
