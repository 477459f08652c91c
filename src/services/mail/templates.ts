// The emails Gatehouse sends and their subjects (fixed strings: no user data in a header).
export const EMAIL_SUBJECTS = {
  "verify-email": "Confirm your email address for Gatehouse",
  "registration-attempt": "Someone tried to register with your email address",
  lockout: "Your Gatehouse account was locked after failed sign-ins",
} as const;

export type EmailTemplate = keyof typeof EMAIL_SUBJECTS;
