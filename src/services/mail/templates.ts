// The emails Gatehouse sends and their subjects (fixed strings: no user data in a header).
export const EMAIL_SUBJECTS = {
  "verify-email": "Confirm your email address for Gatehouse",
  "registration-attempt": "Someone tried to register with your email address",
  lockout: "Your Gatehouse account was locked after failed sign-ins",
  "password-reset": "Reset your Gatehouse password",
  "password-changed": "Your Gatehouse password was changed",
  "two-factor-changed": "Two-factor authentication changed on your Gatehouse account",
  "confirm-email-change": "Confirm your new email address for Gatehouse",
  "email-changed": "The email address of your Gatehouse account was changed",
  "team-invitation": "You have been invited to Gatehouse",
  "ownership-transfer": "You are asked to take over a team on Gatehouse",
  "ownership-transfer-admin": "An administrator acted on the ownership of your team on Gatehouse",
  "device-code": "Your Gatehouse sign-in code",
  "suspicious-login": "Was this you signing in to Gatehouse?",
  "account-deleted": "Your Gatehouse account was deleted",
  "account-deletion-scheduled": "Your Gatehouse account will be deleted",
  "passkey-changed": "The passkeys of your Gatehouse account changed",
  "magic-link": "Your Gatehouse sign-in link",
} as const;

export type EmailTemplate = keyof typeof EMAIL_SUBJECTS;
