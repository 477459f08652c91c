// The optional online breach check (PASSWORD_BREACH_CHECK=hibp): Have I Been Pwned's Pwned Passwords range API
// with k-anonymity. Only the first 5 hex characters of the password's SHA-1 leave the process; the service answers
// every suffix it knows under that prefix (padded with fake zero-count entries, `Add-Padding: true`, so the
// answer's size says nothing either) and the comparison happens here. The offline checks (password-policy.ts)
// always run first; when the service is slow or down the answer is "unknown" and the offline verdict stands:
// nobody is kept from setting a password by an outage. Failures are logged (once a minute at most), never the
// password or its hash.
import { createHash } from "node:crypto";
import type { Logger } from "../lib/logger.ts";

export type BreachCheckSettings = { mode: "off" | "hibp"; url: string; timeoutMs: number };
/** true: seen in breaches; false: not seen; null: the service could not be asked (the offline verdict stands) */
export type BreachCheck = (password: string) => Promise<boolean | null>;

const LOG_INTERVAL_MS = 60_000;

/** the SHA-1 of the password (UTF-8, as the service hashed it), upper-case hex, split after 5 characters */
export function rangeKey(password: string): { prefix: string; suffix: string } {
  const hex = createHash("sha1").update(password, "utf8").digest("hex").toUpperCase();
  return { prefix: hex.slice(0, 5), suffix: hex.slice(5) };
}

/** whether the range answer ("SUFFIX:COUNT" lines) lists the suffix with a count above 0 (padding lines have 0) */
export function rangeLists(body: string, suffix: string): boolean {
  for (const line of body.split(/\r?\n/)) {
    const [candidate, count] = line.trim().split(":");
    if (candidate?.toUpperCase() === suffix && Number(count) > 0) return true;
  }
  return false;
}

export function createBreachCheck(
  settings: BreachCheckSettings,
  log: Logger,
  fetchImpl: typeof fetch = globalThis.fetch,
): BreachCheck | undefined {
  if (settings.mode === "off") return undefined;
  const base = settings.url.endsWith("/") ? settings.url : `${settings.url}/`;
  let lastLogged = 0;

  return async (password) => {
    const { prefix, suffix } = rangeKey(password);
    try {
      const res = await fetchImpl(`${base}${prefix}`, {
        headers: { "Add-Padding": "true", "User-Agent": "Gatehouse", Accept: "text/plain" },
        signal: AbortSignal.timeout(settings.timeoutMs),
        redirect: "error",
      });
      if (!res.ok) throw new Error(`the range API answered HTTP ${res.status}`);
      return rangeLists(await res.text(), suffix);
    } catch (err) {
      if (Date.now() - lastLogged > LOG_INTERVAL_MS) {
        lastLogged = Date.now();
        const message =
          (err as Error)?.name === "TimeoutError" ? `no answer within ${settings.timeoutMs} ms` : String((err as Error)?.message ?? err);
        log.warn(
          { err: { message }, service: new URL(base).host },
          "password breach check unavailable: new passwords are checked against the offline list only",
        );
      }
      return null;
    }
  };
}
