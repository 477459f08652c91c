// What each refusal of the login flow says, in which language, and which status it answers with: the status and
// English words are the error catalogue's (lib/error-catalogue.ts, "login.*" and "device.*"); the message keys
// below say the same words in the page's language (lib/i18n/en-signin.ts).
import type { Refusal, RefusalCode } from "../../../flows/login/types.ts";
import type { MessageKey, Translate } from "../../../lib/i18n/index.ts";
import { CATALOGUE, fillMessage, type ErrorCode } from "../../../lib/error-catalogue.ts";
import { AppError } from "../../errors.ts";

/** the catalogue entry that words this refusal (a "#variant" for one attempt or second, the SSO team, the flow's own wording) */
function entryOf(r: Refusal): ErrorCode {
  if (r.code === "device.wrong_code" && (r.attemptsLeft ?? 0) === 1) return "device.wrong_code#one";
  if (r.code === "device.cooldown" && (r.retryAfter ?? 1) === 1) return "device.cooldown#one";
  if (r.code === "login.sso_required" && r.sso) return r.sso.connector ? "login.sso_required#via" : "login.sso_required#team";
  if (r.code === "login.upstream_failed") return "login.upstream_failed#answer";
  if (r.code === "login.upstream_unavailable") return "login.upstream_unavailable#unnamed";
  return r.code;
}

/** the refusal's status and English words; a refusal that brings its own words (a rate limit's, saying when to try again) keeps them */
function said(r: Refusal): { status: number; message: string } {
  const key = entryOf(r);
  const entry = CATALOGUE[key];
  const count = r.code === "device.cooldown" ? (r.retryAfter ?? 1) : (r.attemptsLeft ?? 0);
  const message = r.message && key === r.code ? r.message : fillMessage(entry.message, { count, ...r.sso });
  return { status: entry.status, message };
}

/**
 * each refusal's words in the catalogues (lib/i18n, en-signin.ts; the English texts above are the same words): a
 * key, or a key and its values. A refusal that brings its own text (`r.message`: a rate limit's wording) stays in
 * that English text; the SSO requirement brings its team, domain and provider too and is said with them.
 */
const KEYS: Record<RefusalCode, MessageKey | ((r: Refusal) => [MessageKey, Record<string, string | number>])> = {
  "login.invalid_credentials": "refusal.invalidCredentials",
  "login.unverified": "refusal.unverified",
  "login.busy": "refusal.busy",
  "login.invalid_code": "refusal.invalidCode",
  "login.expired": "refusal.startAgain",
  "login.team_required": "refusal.teamRequired",
  "device.wrong_code": (r) => [
    r.attemptsLeft === 1 ? "refusal.deviceWrongCode.one" : "refusal.deviceWrongCode.other",
    { count: r.attemptsLeft ?? 0 },
  ],
  "device.code_expired": "refusal.deviceCodeExpired",
  "device.attempts_used": "refusal.deviceAttemptsUsed",
  "device.account_locked": "refusal.accountLocked",
  "device.cooldown": (r) => [
    (r.retryAfter ?? 1) === 1 ? "refusal.deviceCooldown.one" : "refusal.deviceCooldown.other",
    { count: r.retryAfter ?? 1 },
  ],
  "device.email_limited": "refusal.deviceEmailLimited",
  "device.code_format": "refusal.deviceCodeFormat",
  "login.magic_link_invalid": "refusal.magicLinkInvalid",
  "login.magic_code_invalid": "refusal.magicCodeInvalid",
  "login.passkey_refused": "refusal.passkeyRefused",
  "login.upstream_failed": "refusal.upstreamFailed",
  "login.upstream_cancelled": "refusal.upstreamCancelled",
  "login.upstream_unavailable": "refusal.upstreamUnavailable",
  "login.upstream_no_email": "refusal.upstreamNoEmail",
  "login.upstream_email_taken": "refusal.upstreamEmailTaken",
  "login.sso_required": "refusal.ssoRequired",
  "login.upstream_link_required": "refusal.upstreamLinkRequired",
};

const keyOf = (r: Refusal): [MessageKey, Record<string, string | number>?] | undefined => {
  // the SSO requirement's text with its team, domain and provider (lib/i18n/en-teams.ts)
  if (r.code === "login.sso_required" && r.sso) {
    const { team, domain, connector } = r.sso;
    return connector ? ["teamSso.requiredVia", { team, domain, connector }] : ["teamSso.required", { team, domain }];
  }
  if (r.message) return undefined;
  const k = KEYS[r.code];
  return typeof k === "function" ? k(r) : [k];
};

/**
 * status and English message of a refusal; `key`: its catalogue key when it needs no values (flash-error's
 * errorKey); `say(t)`: the message in `t`'s language
 */
export const wording = (r: Refusal) => {
  const found = keyOf(r);
  const { status, message } = said(r);
  return {
    status,
    message,
    key: found && !found[1] ? found[0] : undefined,
    say: (t: Translate) => (found ? t(found[0], found[1]) : message),
  };
};

/** a refusal that ends the step as the error page's error: its code, with its status and words from here */
export const refusalError = (r: Refusal, data?: Record<string, unknown>) => {
  const { status, message } = said(r);
  return new AppError(r.code, status, message, data);
};
