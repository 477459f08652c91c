// A team's email domain as Gatehouse stores and compares it (team-domains.ts): lower-case A-labels, no trailing
// dot, a registrable host name only; and the domain of an email address in the same form.
import { domainToASCII } from "node:url";

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** the domain as stored (lower-case A-labels, no trailing dot), or null when it is not a registrable host name */
export function normalizeDomain(raw: string): string | null {
  const trimmed = raw.trim().replace(/^@/, "").replace(/\.$/, "").toLowerCase();
  // URL parts (domainToASCII would take a URL's host from them) and spaces are no domain
  if (!trimmed || trimmed.length > 253 || /[\s/\\?#:@%]/.test(trimmed)) return null;
  const ascii = domainToASCII(trimmed);
  if (!ascii || ascii.length > 253) return null;
  const labels = ascii.split(".");
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l)) || /^\d+$/.test(labels.at(-1)!)) return null;
  return ascii;
}

/** the domain of an email address (normalized), or null */
export const domainOfEmail = (email: string): string | null => {
  const at = email.lastIndexOf("@");
  return at > 0 ? normalizeDomain(email.slice(at + 1)) : null;
};
