// Normalization of the login identifier: one field that takes an email or a username.
// Emails: NFC, trimmed, lower-cased (the whole address: mailbox providers treat local parts case-insensitively
// in practice, and a case-sensitive duplicate would be a support and phishing hazard). Usernames: NFC,
// trimmed, lower-cased.

export function normalizeEmail(email: string): string {
  return email.normalize("NFC").trim().toLowerCase();
}

export function normalizeUsername(username: string): string {
  return username.normalize("NFC").trim().toLowerCase();
}

export type Identifier = { kind: "email"; value: string } | { kind: "username"; value: string };

/** An identifier containing "@" is an email; usernames cannot contain "@". */
export function parseIdentifier(input: string): Identifier {
  const trimmed = input.normalize("NFC").trim();
  return trimmed.includes("@")
    ? { kind: "email", value: normalizeEmail(trimmed) }
    : { kind: "username", value: normalizeUsername(trimmed) };
}

export const USERNAME_PATTERN = /^[\p{L}\p{N}._-]{3,32}$/u;
