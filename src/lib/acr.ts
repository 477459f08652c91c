// The authentication context classes Gatehouse asserts in ID tokens (`acr`), which sign-in earns which, and
// what a relying party's `acr_values` asks for. Three levels, each one meeting the ones below it:
//   urn:gatehouse:loa:pwd  one factor (a password, a magic link, a passkey without user verification)
//   urn:gatehouse:loa:mfa  two factors (password + TOTP or key, a passkey with user verification, ...)
//   urn:gatehouse:loa:phr  phishing-resistant: two factors, one of them a passkey or security key (amr hwk/swk),
//                          which answered a challenge bound to our origin
// The ID token says the level the session's sign-in earned (the strongest true one), so a relying party that
// asked for mfa may get phr: compare levels, not strings. Unknown acr_values are ignored (they are voluntary
// claims, OpenID Connect Core 5.5.1.1); known ones are a requirement (flows/login, oidc/acr-policy.ts).
export const ACR_ONE_FACTOR = "urn:gatehouse:loa:pwd";
export const ACR_MFA = "urn:gatehouse:loa:mfa";
export const ACR_PHISHING_RESISTANT = "urn:gatehouse:loa:phr";

/** what discovery lists as acr_values_supported, weakest first (oidc-provider emits `acr` only when not empty) */
export const ACR_VALUES = [ACR_ONE_FACTOR, ACR_MFA, ACR_PHISHING_RESISTANT];

const rank = (acr: string | undefined): number => (acr === undefined ? -1 : ACR_VALUES.indexOf(acr));

/** the methods (amr values) that are a key answering an origin-bound challenge */
const KEY_AMR = ["hwk", "swk"];

/**
 * methods of one kind, counted once: a sign-in at an upstream identity provider (`fed`, #17) tells us nothing of
 * how it was made (most often a password there), so with our password it is still something the user knows
 */
const SAME_KIND: Record<string, string> = { fed: "pwd" };

/** the level a sign-in with these amr values earns: two distinct kinds of method are two factors */
export function acrFor(amr: string[]): string {
  const distinct = new Set(amr.map((a) => SAME_KIND[a] ?? a));
  const multi = distinct.has("mfa") || distinct.size >= 2;
  if (!multi) return ACR_ONE_FACTOR;
  return amr.some((a) => KEY_AMR.includes(a)) ? ACR_PHISHING_RESISTANT : ACR_MFA;
}

/** the level a session holds: its acr when it is one of ours, else what its amr earns (older sessions) */
export function sessionAcr(session: { acr?: string; amr?: string[] }): string | undefined {
  const byAmr = session.amr?.length ? acrFor(session.amr) : undefined;
  return rank(session.acr) >= rank(byAmr) ? (rank(session.acr) >= 0 ? session.acr : undefined) : byAmr;
}

/**
 * the weakest level that satisfies an `acr_values` request (space-separated, in order of preference: any one
 * of them will do, and a stronger sign-in meets a weaker value); undefined when it names none of ours
 */
export function requiredAcr(acrValues: unknown): string | undefined {
  if (typeof acrValues !== "string") return undefined;
  const known = acrValues
    .split(" ")
    .map(rank)
    .filter((r) => r >= 0);
  return known.length ? ACR_VALUES[Math.min(...known)] : undefined;
}

/** whether `acr` (or what `amr` earns) meets `required` (nothing required: met) */
export function meets(acr: string | undefined, required: string | undefined): boolean {
  return required === undefined || rank(acr) >= rank(required);
}

/** whether a second factor of these methods can lift a one-factor sign-in to `required` */
export function secondFactorMethodsFor(required: string | undefined, methods: string[]): string[] {
  return required === ACR_PHISHING_RESISTANT ? methods.filter((m) => m === "passkey") : methods;
}
