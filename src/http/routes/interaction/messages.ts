// What each refusal of the login flow says and which status it answers with (the flow names the reason,
// only this file words it).
import type { Refusal, RefusalCode } from "../../../flows/login/types.ts";
import type { MessageKey, Translate } from "../../../lib/i18n/index.ts";
import { AppError } from "../../errors.ts";

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

export const ACCOUNT_LOCKED = "Too many wrong codes for this account; try again later or sign in from a device you have used before.";
export const START_AGAIN = "This sign-in step has expired. Start again and enter your password.";

const CATALOGUE: Record<RefusalCode, { status: number; message: (r: Refusal) => string }> = {
  "login.invalid_credentials": { status: 401, message: () => "Invalid email or password" },
  "login.unverified": {
    status: 403,
    message: () => "Please verify your email address before signing in. Check your inbox for the verification link, or ask for a new one.",
  },
  "login.busy": { status: 503, message: () => "Too many sign-ins are in progress right now. Please try again in a moment." },
  "login.invalid_code": { status: 401, message: () => "Invalid code" },
  "login.expired": { status: 400, message: () => START_AGAIN },
  "login.team_required": { status: 400, message: () => "Choose one of your teams." },
  "device.wrong_code": { status: 401, message: (r) => `That code is not right. ${plural(r.attemptsLeft ?? 0, "attempt")} left.` },
  "device.code_expired": { status: 400, message: () => "This code has expired. Send a new code." },
  "device.attempts_used": {
    status: 429,
    message: () => "Too many wrong codes. For your security this sign-in was stopped: start over and enter your password again.",
  },
  "device.account_locked": { status: 429, message: () => ACCOUNT_LOCKED },
  "device.cooldown": { status: 429, message: (r) => `Please wait ${plural(r.retryAfter ?? 1, "second")} before asking for a new code.` },
  "device.email_limited": { status: 429, message: (r) => r.message ?? "Too many device approval emails. Please try again later." },
  "device.code_format": { status: 400, message: () => "Enter the 6-digit code from the email." },
  "login.magic_link_invalid": {
    status: 400,
    message: () =>
      "This sign-in link is no longer valid: it was used, replaced by a newer one, or has expired. Ask for a new one on the sign-in page.",
  },
  "login.magic_code_invalid": {
    status: 401,
    message: () => "That code is not right, or no longer valid. Ask for a new sign-in link if it keeps failing.",
  },
  "login.passkey_refused": { status: 401, message: () => "That passkey was not accepted. Try again, or use another way to sign in." },
  "login.upstream_failed": {
    status: 400,
    message: () =>
      "Signing in through that provider did not work: its answer could not be accepted. Start again, or use another way to sign in.",
  },
  "login.upstream_cancelled": {
    status: 400,
    message: () =>
      "Signing in through that provider was cancelled there, so you are not signed in. Start again, or use another way to sign in.",
  },
  "login.upstream_unavailable": {
    status: 503,
    message: () => "That sign-in provider did not answer in time. Try again in a moment, or use another way to sign in.",
  },
  "login.upstream_no_email": {
    status: 400,
    message: () =>
      "That sign-in provider did not share your email address, so no account could be made. Allow sharing your email there, or use another way to sign in.",
  },
  "login.upstream_email_taken": {
    status: 409,
    message: () =>
      "An account with that email address already exists, and the provider has not verified the address. Sign in with your password or passkey instead.",
  },
  "login.sso_required": {
    status: 403,
    message: (r) =>
      r.message ?? "Your organization requires single sign-on for this address: use \u201cContinue with single sign-on\u201d.",
  },
  "login.upstream_link_required": {
    status: 409,
    message: () =>
      "An account with that email address already exists. Sign in with your password or passkey first; then you can link the provider to your account.",
  },
};

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
  const message = CATALOGUE[r.code].message(r);
  return {
    status: CATALOGUE[r.code].status,
    message,
    key: found && !found[1] ? found[0] : undefined,
    say: (t: Translate) => (found ? t(found[0], found[1]) : message),
  };
};

/** a refusal that ends the step as the error page's error: its code, with its status and words from here */
export const refusalError = (r: Refusal, data?: Record<string, unknown>) =>
  new AppError(r.code, CATALOGUE[r.code].status, CATALOGUE[r.code].message(r), data);
