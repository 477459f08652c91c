// What each refusal of the login flow says and which status it answers with (the flow names the reason,
// only this file words it).
import type { Refusal, RefusalCode } from "../../../flows/login/types.ts";
import type { MessageKey } from "../../../lib/i18n/index.ts";

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

export const ACCOUNT_LOCKED = "Too many wrong codes for this account; try again later or sign in from a device you have used before.";
export const START_AGAIN = "This sign-in step has expired. Start again and enter your password.";

const CATALOGUE: Record<RefusalCode, { status: number; message: (r: Refusal) => string }> = {
  "login.invalid_credentials": { status: 401, message: () => "Invalid email or password" },
  "login.unverified": { status: 403, message: () => "Please verify your email address before signing in. Check your inbox for the verification link, or ask for a new one." },
  "login.busy": { status: 503, message: () => "Too many sign-ins are in progress right now. Please try again in a moment." },
  "login.invalid_code": { status: 401, message: () => "Invalid code" },
  "login.expired": { status: 400, message: () => START_AGAIN },
  "login.team_required": { status: 400, message: () => "Choose one of your teams." },
  "device.wrong_code": { status: 401, message: (r) => `That code is not right. ${plural(r.attemptsLeft ?? 0, "attempt")} left.` },
  "device.code_expired": { status: 400, message: () => "This code has expired. Send a new code." },
  "device.attempts_used": { status: 429, message: () => "Too many wrong codes. For your security this sign-in was stopped: start over and enter your password again." },
  "device.account_locked": { status: 429, message: () => ACCOUNT_LOCKED },
  "device.cooldown": { status: 429, message: (r) => `Please wait ${plural(r.retryAfter ?? 1, "second")} before asking for a new code.` },
  "device.email_limited": { status: 429, message: (r) => r.message ?? "Too many device approval emails. Please try again later." },
  "device.code_format": { status: 400, message: () => "Enter the 6-digit code from the email." },
  "login.magic_link_invalid": { status: 400, message: () => "This sign-in link is no longer valid: it was used, replaced by a newer one, or has expired. Ask for a new one on the sign-in page." },
  "login.magic_code_invalid": { status: 401, message: () => "That code is not right, or no longer valid. Ask for a new sign-in link if it keeps failing." },
  "login.passkey_refused": { status: 401, message: () => "That passkey was not accepted. Try again, or use another way to sign in." },
  "login.upstream_failed": { status: 400, message: () => "Signing in through that provider did not work: its answer could not be accepted. Start again, or use another way to sign in." },
  "login.upstream_cancelled": { status: 400, message: () => "Signing in through that provider was cancelled there, so you are not signed in. Start again, or use another way to sign in." },
  "login.upstream_unavailable": { status: 503, message: () => "That sign-in provider did not answer in time. Try again in a moment, or use another way to sign in." },
  "login.upstream_no_email": { status: 400, message: () => "That sign-in provider did not share your email address, so no account could be made. Allow sharing your email there, or use another way to sign in." },
  "login.upstream_email_taken": { status: 409, message: () => "An account with that email address already exists, and the provider has not verified the address. Sign in with your password or passkey instead." },
  "login.sso_required": { status: 403, message: (r) => r.message ?? "Your organization requires single sign-on for this address: use \u201cContinue with single sign-on\u201d." },
  "login.upstream_link_required": { status: 409, message: () => "An account with that email address already exists. Sign in with your password or passkey first; then you can link the provider to your account." },
};

/** the translated words (lib/i18n) of the refusals the translated sign-in pages show; the rest stay English */
const KEYS: Partial<Record<RefusalCode, MessageKey>> = {
  "login.invalid_credentials": "refusal.invalidCredentials", "login.invalid_code": "refusal.invalidCode", "login.passkey_refused": "refusal.passkeyRefused",
};

export const wording = (r: Refusal) => ({ status: CATALOGUE[r.code].status, message: CATALOGUE[r.code].message(r), key: KEYS[r.code] });
