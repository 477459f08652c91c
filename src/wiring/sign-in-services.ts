// What a sign-in runs on: accounts and their credentials (passwords, TOTP, passkeys, magic links), the lockout
// with its unlock links, required MFA, session records, trusted devices and the suspicious-login rules.
import { createAccountService } from "../services/accounts.ts";
import { createCredentialService } from "../services/credentials.ts";
import { createSignInLocks } from "../services/sign-in-locks.ts";
import { createUnlockLinks } from "../services/unlock-links.ts";
import { createPasskeys } from "../services/passkeys/index.ts";
import { createMagicLinks } from "../services/magic-links/index.ts";
import { createMfaRequirements } from "../services/mfa-requirements.ts";
import { createSessionRecords } from "../services/sessions/records.ts";
import { createTrustedDevices } from "../services/devices/trusted-devices.ts";
import { createRiskService } from "../services/risk/index.ts";
import { createPasswordChange } from "../services/password-change.ts";
import { createTwoFactorSettings } from "../services/two-factor-settings.ts";
import { createPasskeyReauthentication } from "../services/passkeys/reauthentication.ts";
import { createOwnRevocations } from "../services/own-revocations.ts";
import type { CoreServices } from "./core-services.ts";
import type { ServiceInputs } from "./inputs.ts";

export function createSignInServices({ config, queries, redis, clock, log, random }: ServiceInputs, core: CoreServices) {
  const { passwords, passwordPolicy, lockout, notifications, audit, oidcStore, sessionEvents, geo, totp } = core;
  const credentials = createCredentialService({
    users: queries.users,
    credentials: queries.credentials,
    passwords,
    policy: passwordPolicy,
    lockout,
    notifications,
    clock,
    historySize: config.passwordPolicy.history,
    endSessions: async (userId, keep) => {
      const ended = await oidcStore.endUserSessions(userId, keep);
      sessionEvents.sessionsEnded(userId, ended);
      return ended;
    },
  });
  const unlockLinks = createUnlockLinks({
    redis,
    clock,
    users: queries.users,
    lockout,
    audit,
    issuer: config.issuer,
    ttlSeconds: config.lockout.unlockTtl,
  });
  const locks = createSignInLocks({ lockout, devices: queries.trustedDevices, audit, notifications, unlockLinks, clock, log });
  const accounts = createAccountService({ users: queries.users, passwords, locks, audit, clock });
  const sessions = createSessionRecords({
    queries: queries.userSessions,
    store: oidcStore,
    redis,
    clock,
    geo,
    sessionEvents,
    audit,
    settings: config.session,
    log,
  });
  const devices = createTrustedDevices({
    queries: queries.trustedDevices,
    redis,
    clock,
    notifications,
    audit,
    masterKey: config.secrets.masterKey,
    settings: config.deviceApproval,
    geo,
    random,
  });
  return {
    accounts,
    credentials,
    /** "change my password" (password-change.ts) */
    passwordChange: createPasswordChange({ accounts, credentials, audit }),
    /** the account page's TOTP setup, backup codes and turning it off (two-factor-settings.ts) */
    twoFactorSettings: createTwoFactorSettings({ accounts, totp, audit, notifications }),
    /** the password (or a recent passkey sign-in) before a passkey change (passkeys/reauthentication.ts) */
    passkeyReauthentication: createPasskeyReauthentication({ accounts, audit, clock }),
    /** the unlock links of lockout emails (issued when a lock starts, used at /unlock) */
    unlockLinks,
    /** passkeys and security keys (WebAuthn): registration, sign-in assertions, list/rename/remove */
    passkeys: createPasskeys({
      passkeys: queries.passkeys,
      users: queries.users,
      redis,
      audit,
      notifications,
      clock,
      issuer: config.issuer,
      rpName: config.passkeyRpName,
    }),
    magicLinks: createMagicLinks({ redis, clock, random, issuer: config.issuer, audit, users: queries.users, notifications, log }),
    mfaRequirements: createMfaRequirements({ queries: queries.mfaRequirements }),
    /** each SSO session's record (device, place, started, last active, clients), timeouts and revocation */
    sessions,
    /** browsers a user approved, and the emailed device approval codes */
    devices,
    /** the self-service API's revocation of a session or trusted device (own-revocations.ts) */
    ownRevocations: createOwnRevocations({ sessions, devices, audit }),
    /** suspicious-login rules, the sign-in history they compare with, and held sign-ins */
    risk: createRiskService({
      queries: queries.loginLocations,
      redis,
      clock,
      geo,
      notifications,
      audit,
      settings: config.risk,
      issuer: config.issuer,
      log,
    }),
  };
}

export type SignInServices = ReturnType<typeof createSignInServices>;
