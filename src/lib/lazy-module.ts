// A module loaded the first time it is needed, once: libraries only some requests use (passkeys, TOTP, SAML,
// mail) stay out of the memory of a server that never uses them (docs/performance.md). A failed load is tried
// again next time (lib/short-lived.ts, with no expiry).
import { shortLived } from "./short-lived.ts";

export function lazyModule<T>(load: () => Promise<T>): () => Promise<T> {
  return shortLived(load, Number.POSITIVE_INFINITY, () => 0).get;
}
