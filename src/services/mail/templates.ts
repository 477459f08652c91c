// The emails Gatehouse sends and their subjects: each subject is a message key (lib/i18n), translated into the
// recipient's language when the email is composed (fixed strings: no user data in a header).
import type { MessageKey } from "../../lib/i18n/index.ts";

export const EMAIL_SUBJECTS = {
  "verify-email": "mail.subject.verify-email",
  "registration-attempt": "mail.subject.registration-attempt",
  lockout: "mail.subject.lockout",
  "password-reset": "mail.subject.password-reset",
  "password-changed": "mail.subject.password-changed",
  "two-factor-changed": "mail.subject.two-factor-changed",
  "confirm-email-change": "mail.subject.confirm-email-change",
  "email-changed": "mail.subject.email-changed",
  "team-invitation": "mail.subject.team-invitation",
  "ownership-transfer": "mail.subject.ownership-transfer",
  "ownership-transfer-admin": "mail.subject.ownership-transfer-admin",
  "device-code": "mail.subject.device-code",
  "suspicious-login": "mail.subject.suspicious-login",
  "account-deleted": "mail.subject.account-deleted",
  "account-deletion-scheduled": "mail.subject.account-deletion-scheduled",
  "passkey-changed": "mail.subject.passkey-changed",
  "magic-link": "mail.subject.magic-link",
} as const satisfies Record<string, MessageKey>;

export type EmailTemplate = keyof typeof EMAIL_SUBJECTS;
