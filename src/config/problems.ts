// The settings that parse one by one but cannot work together, or not in production. Each problem is one line of
// the ConfigError that stops the start, in the order they are checked here.
import { settings } from "./schema.ts";
import type { Parsed } from "./types.ts";

/** what the checks need besides the settings (worked out in load.ts) */
export type ProblemInputs = { isProduction: boolean; workers: number; resourceServers: string[] };

export function settingsProblems(s: Parsed, { isProduction, workers, resourceServers }: ProblemInputs): string[] {
  const problems = isProduction ? productionProblems(s) : [];
  if (s.METRICS_PORT !== undefined && s.METRICS_PORT !== 0 && s.METRICS_PORT === s.PORT)
    problems.push("METRICS_PORT: must differ from PORT (unset it to serve /metrics on PORT)");
  if (workers > 1 && (!s.DATABASE_URL || !s.REDIS_URL)) {
    problems.push(
      "WORKERS: more than one worker needs DATABASE_URL and REDIS_URL (the embedded database and in-process store live in one process)",
    );
  }
  if (s.SESSION_IDLE_TIMEOUT > 0 && s.SESSION_IDLE_TIMEOUT < 2 * s.SESSION_ACTIVITY_RESOLUTION) {
    // activity is recorded at most once per resolution: a shorter idle limit would sign active users out
    problems.push(
      `SESSION_IDLE_TIMEOUT: must be at least twice SESSION_ACTIVITY_RESOLUTION (${s.SESSION_IDLE_TIMEOUT} < 2 × ${s.SESSION_ACTIVITY_RESOLUTION}), or 0 for no idle timeout`,
    );
  }
  problems.push(...resourceTtlProblems(s, resourceServers));
  if (s.VIRTUOZZO_ENABLED && !s.VIRTUOZZO_PLATFORM_URLS.length)
    problems.push("VIRTUOZZO_PLATFORM_URLS: required when VIRTUOZZO_ENABLED is true (the platform base URL teams link to)");
  problems.push(...virtuozzoProblems(s, isProduction));
  return problems;
}

/** what production cannot run without: its stores, mail, secrets it keeps across restarts, and an https issuer */
function productionProblems(s: Parsed): string[] {
  const problems: string[] = [];
  for (const name of ["ISSUER", "DATABASE_URL", "REDIS_URL", "MASTER_KEY", "SMTP_URL"] as const) {
    if (!s[name]) problems.push(`${name}: required in production (${settings[name].doc})`);
  }
  if (!s.COOKIE_KEYS.length) problems.push(`COOKIE_KEYS: required in production (${settings.COOKIE_KEYS.doc})`);
  if (s.ISSUER && !s.ISSUER.startsWith("https://")) problems.push("ISSUER: must be an https:// URL in production");
  return problems;
}

/** RESOURCE_ACCESS_TOKEN_TTL names configured resource servers and only shortens ACCESS_TOKEN_TTL */
function resourceTtlProblems(s: Parsed, servers: string[]): string[] {
  return s.RESOURCE_ACCESS_TOKEN_TTL.flatMap(([resource, ttl]) => [
    ...(servers.includes(resource)
      ? []
      : [`RESOURCE_ACCESS_TOKEN_TTL: ${resource} is not one of RESOURCE_SERVERS (${servers.join(", ")})`]),
    ...(ttl <= s.ACCESS_TOKEN_TTL
      ? []
      : [
          `RESOURCE_ACCESS_TOKEN_TTL: ${resource}=${ttl} is longer than ACCESS_TOKEN_TTL (${s.ACCESS_TOKEN_TTL}); a resource's lifetime can only be shorter`,
        ]),
  ]);
}

/** the Virtuozzo plugin's settings that cannot work together (checked whether or not it is on, so turning it on cannot surprise) */
function virtuozzoProblems(s: Parsed, isProduction: boolean): string[] {
  const problems: string[] = [];
  // a window as long as a session's life would sign in again on every request
  if (s.VIRTUOZZO_SAFETY_WINDOW_SECONDS >= s.VIRTUOZZO_SESSION_TTL) {
    problems.push(
      `VIRTUOZZO_SAFETY_WINDOW_SECONDS: must be less than VIRTUOZZO_SESSION_TTL (${s.VIRTUOZZO_SAFETY_WINDOW_SECONDS} >= ${s.VIRTUOZZO_SESSION_TTL}), or every request signs in again`,
    );
  }
  // the platform password and its sessions cross this connection
  const plain = s.VIRTUOZZO_PLATFORM_URLS.filter((u) => !u.startsWith("https://"));
  if (isProduction && plain.length)
    problems.push(`VIRTUOZZO_PLATFORM_URLS: must be https:// URLs in production (the platform password crosses it): ${plain.join(", ")}`);
  return problems;
}
