// The counters /metrics reports about what Gatehouse did (http/metrics.ts adds the process series, the request
// histogram and the gauges read when scraped). One Telemetry per process, made by createContext and handed down:
// - audit events as they are written (services/audit-metrics.ts wraps the two writers of the login's events):
//   sign-ins by result and first-factor method, lockouts by scope, risk holds, device approval codes;
// - tokens issued by grant type (oidc-provider's grant.success, oidc/token-metrics.ts);
// - the outbox's rows queued and delivery attempts by kind (emails, back-channel logouts) and result.
// Every label value comes from a fixed list below (anything else is "other"): never user input, so the number of
// series stays bounded whatever requests arrive.
import { Counter, Registry } from "prom-client";

/** the facts of an audit event the counters read */
export type CountedEvent = { type: string; outcome?: string; data?: unknown };

const METHODS = new Set(["password", "passkey", "magic_link", "totp", "backup_code"]);
const GRANTS = new Set([
  "authorization_code",
  "refresh_token",
  "client_credentials",
  "urn:ietf:params:oauth:grant-type:device_code",
  "urn:openid:params:grant-type:ciba",
  "urn:ietf:params:oauth:grant-type:token-exchange",
]);
const LOCK_SCOPES = new Set(["account", "device", "network"]);
const OUTBOX_KINDS = new Set(["email", "backchannel_logout", "webhook"]);

const fixed = (allowed: Set<string>, value: unknown) => (typeof value === "string" && allowed.has(value) ? value : "other");
const field = (data: unknown, key: string): unknown =>
  data && typeof data === "object" ? (data as Record<string, unknown>)[key] : undefined;

/** the first factor a finished sign-in used, from its amr (a passkey as second factor keeps "password") */
function firstFactorOf(data: unknown): string {
  const amr = field(data, "amr");
  const list = Array.isArray(amr) ? amr : [];
  if (list.includes("pwd")) return "password";
  if (list.includes("email")) return "magic_link";
  if (list.includes("hwk") || list.includes("swk")) return "passkey";
  return "other";
}

/** result of a refused first factor: a lock in force, a held sign-in denied, or a plain failure */
function failureResult(reason: unknown): string {
  if (reason === "locked" || reason === "device_locked" || reason === "network_locked") return "locked";
  if (typeof reason === "string" && reason.startsWith("hold_")) return "held";
  if (reason === "disabled") return "disabled";
  if (reason === "email_unverified") return "unverified";
  return "failure";
}

/** gatehouse_logins_total's labels for a login event, or null for other events */
export function loginLabels(event: CountedEvent): { result: string; method: string } | null {
  switch (event.type) {
    case "login.succeeded":
      return { result: "success", method: firstFactorOf(event.data) };
    case "login.failed":
      return { result: failureResult(field(event.data, "reason")), method: fixed(METHODS, field(event.data, "method") ?? "password") };
    case "login.second_factor_failed":
      return { result: "second_factor_failure", method: fixed(METHODS, field(event.data, "method")) };
    default:
      return null;
  }
}

/** gatehouse_device_codes_total's result for a device approval event, or null */
export function deviceCodeResult(event: CountedEvent): string | null {
  if (event.type === "device.code_sent") return "sent";
  if (event.type === "device.trusted" && field(event.data, "how") === "code") return "verified";
  if (event.type === "device.code_failed") return "failed";
  if (event.type === "device.code_locked") return "locked";
  return null;
}

export function createTelemetry() {
  const registry = new Registry();
  const counter = (name: string, help: string, labelNames: string[]) => new Counter({ name, help, labelNames, registers: [registry] });
  const logins = counter(
    "gatehouse_logins_total",
    "Sign-in attempts by result (success, failure, locked, held, disabled, unverified, second_factor_failure) and method (password, passkey, magic_link, totp, backup_code, other)",
    ["result", "method"],
  );
  const lockouts = counter("gatehouse_lockouts_total", "Lockouts started, by scope (account, device, network)", ["scope"]);
  const holds = counter("gatehouse_risk_holds_total", "Sign-ins held by the suspicious-login rules (an approve/deny email sent)", []);
  const deviceCodes = counter("gatehouse_device_codes_total", "Device approval codes by result (sent, verified, failed, locked)", [
    "result",
  ]);
  const tokens = counter("gatehouse_tokens_issued_total", "Token endpoint grants that succeeded, by grant type", ["grant_type"]);
  const queued = counter(
    "gatehouse_outbox_queued_total",
    "Messages this process queued in the outbox, by kind (email, backchannel_logout, webhook)",
    ["kind"],
  );
  const deliveries = counter(
    "gatehouse_outbox_deliveries_total",
    "Outbox delivery attempts by kind and result (delivered; failed: retried later; dead: the last attempt failed)",
    ["kind", "result"],
  );

  return {
    registry,
    /** audit events that were written (after their write succeeded) */
    auditRecorded(events: readonly CountedEvent[]): void {
      for (const event of events) {
        const login = loginLabels(event);
        if (login) logins.inc(login);
        if (event.type === "login.locked") lockouts.inc({ scope: fixed(LOCK_SCOPES, field(event.data, "scope")) });
        if (event.type === "login.held") holds.inc();
        const code = deviceCodeResult(event);
        if (code) deviceCodes.inc({ result: code });
      }
    },
    /** a token endpoint grant that succeeded */
    tokenIssued(grantType: unknown): void {
      tokens.inc({ grant_type: fixed(GRANTS, grantType) });
    },
    /** rows written to the outbox */
    queued(kind: string, count = 1): void {
      if (count > 0) queued.inc({ kind: fixed(OUTBOX_KINDS, kind) }, count);
    },
    /** one delivery attempt's end */
    delivery(kind: string, result: "delivered" | "failed" | "dead"): void {
      deliveries.inc({ kind: fixed(OUTBOX_KINDS, kind), result });
    },
  };
}

export type Telemetry = ReturnType<typeof createTelemetry>;
