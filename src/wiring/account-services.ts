// An account's life around its sign-ins: registration (Doors A and B), password reset, email change, deletion
// and export (the provider admins' user actions are built over every group: wiring/services.ts).
import { createRegistrationService } from "../services/registration.ts";
import { createPasswordResetService } from "../services/password-reset.ts";
import { createEmailChangeService } from "../services/email-change.ts";
import { createAccountDeletion } from "../services/account-deletion.ts";
import { createAccountExport } from "../services/account-export.ts";
import type { CoreServices } from "./core-services.ts";
import type { ServiceInputs } from "./inputs.ts";
import type { SignInServices } from "./sign-in-services.ts";
import type { TeamServices } from "./team-services.ts";

export function createAccountServices(
  { config, queries, redis, clock }: ServiceInputs,
  core: CoreServices,
  teams: TeamServices,
  signIn: SignInServices,
) {
  const { passwords, passwordPolicy, notifications, audit, totp, lockout, oidcStore, sessionEvents } = core;
  const { accounts, credentials, passkeys } = signIn;
  return {
    registration: createRegistrationService({
      users: queries.users,
      verifications: queries.emailVerifications,
      registrations: queries.registrations,
      passwords,
      policy: passwordPolicy,
      notifications,
      audit,
      clock,
      issuer: config.issuer,
      verificationTtlSeconds: config.emailVerificationTtl,
      teams: teams.teams,
      teamQueries: queries.teams,
      redis,
      masterKey: config.secrets.masterKey,
      // the Virtuozzo plugin's billing check at Door A (#19): off with the plugin
      ...(config.virtuozzo.enabled ? { doorA: teams.virtuozzo.doorA } : {}),
    }),
    passwordReset: createPasswordResetService({
      users: queries.users,
      credentials: queries.credentials,
      credentialService: credentials,
      passwords,
      totp,
      lockout,
      notifications,
      accounts,
      audit,
      clock,
      issuer: config.issuer,
      ttlSeconds: config.passwordResetTtl,
      historySize: config.passwordPolicy.history,
    }),
    emailChange: createEmailChangeService({
      changes: queries.emailChanges,
      users: queries.users,
      notifications,
      accounts,
      audit,
      clock,
      issuer: config.issuer,
      ttlSeconds: config.emailVerificationTtl,
    }),
    /** deleting an account: the user's own, an admin's, the grace period's restore links and eraseDue (account-deletion.ts) */
    accountDeletion: createAccountDeletion({
      queries,
      clock,
      settings: { graceDays: config.accountDeletion.graceDays, issuer: config.issuer, masterKey: config.secrets.masterKey },
      services: { accounts, totp, oidcStore, sessionEvents, notifications, audit, systemRoles: teams.systemRoles, lockout, passkeys },
    }),
    /** "export my data" (account-export.ts) */
    accountExport: createAccountExport({ queries: queries.accountExport, audit, clock, issuer: config.issuer }),
  };
}

export type AccountServices = ReturnType<typeof createAccountServices>;
