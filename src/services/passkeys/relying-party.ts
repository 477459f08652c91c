// Who the browser's authenticators see us as: the RP ID is ISSUER's host name and the only origin accepted is
// ISSUER's origin (scheme, host, port). A passkey made for one issuer host never works on another.
import { lazyModule } from "../../lib/lazy-module.ts";

export type RelyingParty = { id: string; origin: string; name: string };

/** SimpleWebAuthn, loaded at the first passkey ceremony */
export const webAuthnLibrary = lazyModule(() => import("@simplewebauthn/server"));

export function relyingPartyFor(issuer: string, name: string): RelyingParty {
  const url = new URL(issuer);
  return { id: url.hostname, origin: url.origin, name };
}

/** how long a challenge may be answered (seconds), and what the browser is told to wait */
export const CHALLENGE_TTL_SECONDS = 120;
