// The login flow's vocabulary: the request facts a step may use, who has signed in so far, the states a login
// waits in between requests, and the outcome every step returns. Nothing here knows Koa or oidc-provider.

/** what a step may know of the request it runs in (the route reads these; a test writes them) */
export type Facts = {
  /** the oidc-provider interaction this login belongs to, and when it expires (epoch seconds) */
  uid: string;
  interactionExp: number;
  clientId: string;
  ip: string | null;
  userAgent: string | null;
  /** the browser's trusted-device cookie, as sent */
  deviceToken: string | undefined;
  /** the browser's own live SSO session, if any (the single-session gate leaves it alone) */
  browserSessionUid: string | undefined;
  /** the relying party's `team` parameter */
  requestedTeam: string | undefined;
  /** signing in to Gatehouse's own account pages: no team is ever asked for */
  accountClient: boolean;
  /** the interaction already carries a finished login (a parallel request handed it to oidc-provider) */
  handedOver: boolean;
  /** the weakest acr level the relying party's acr_values ask for (lib/acr.ts); none: any sign-in will do */
  requiredAcr?: string;
};

export type AuditData = Record<string, string | string[]>;

/** how the account proved itself for a pending upstream link (upstream-link.ts) */
export type LinkProof = "password" | "passkey";

/** who signed in and how, once every factor has passed; authAt: when the first factor was checked (ms, app clock) */
export type SignedIn = {
  userId: string;
  amr: string[];
  remember: boolean;
  authAt: number;
  audit: AuditData;
  /** the upstream identity provider signed in through (its connector slug): the tokens' `idp` claim */
  idp?: string;
  /** an upstream identity waits to be linked to this account, made only when the whole sign-in finishes (upstream-link.ts) */
  link?: LinkProof;
  /** an administrator requires a second factor and the user has none: set one up once every gate has passed (enrol.ts) */
  enrolFor?: string[];
};

/** the checks after the factors (gates.ts), in the order the engine declares */
export type GateName = "risk" | "device" | "single_session";

/** the first factor passed; a second one is still to come */
export type SecondFactorState = {
  step: "second_factor";
  userId: string;
  remember: boolean;
  authAt: number;
  amr: string[];
  stepUp?: "network";
  expiresAt: number;
  /** only these second-factor methods will do (a phishing-resistant level asked for: a passkey); none: any */
  only?: string[];
  /** the first factor was an upstream identity provider (its slug) and what it adds to the audit */
  idp?: string;
  audit?: AuditData;
  link?: LinkProof;
};
/** the login waits at `gate` (a page of its own); `passed` are the gates already behind it */
export type GateState = {
  step: "gate";
  gate: GateName;
  who: SignedIn;
  passed: GateName[];
  data: Record<string, string>;
  expiresAt: number;
};
/** every factor and gate passed; the user picks the team. `requested`: the relying party's `team` they are not in */
export type TeamState = { step: "team"; who: SignedIn; requested?: string; expiresAt: number };
/** an administrator requires a second factor of this user, who has none: TOTP is set up before the gates (enrol.ts) */
export type EnrolState = { step: "enrol"; who: SignedIn; requiredBy: string[]; enrolled: boolean; expiresAt: number };
export type LoginState = SecondFactorState | GateState | TeamState | EnrolState;

/** the pages a login can wait at, under /interaction/:uid/; "resume": oidc-provider has the finished login already */
export type LoginPage = "totp" | "hold" | "device" | "single-session" | "team" | "resume" | "enrol";

/** why a step said no; the route picks the words (login-messages.ts) */
export type RefusalCode =
  | "login.invalid_credentials"
  | "login.unverified"
  | "login.busy"
  | "login.invalid_code"
  | "login.expired"
  | "login.team_required"
  | "device.wrong_code"
  | "device.code_expired"
  | "device.attempts_used"
  | "device.account_locked"
  | "device.cooldown"
  | "device.email_limited"
  | "device.code_format"
  | "login.passkey_refused"
  | "login.magic_link_invalid"
  | "login.magic_code_invalid"
  | "login.upstream_failed"
  | "login.upstream_cancelled"
  | "login.upstream_unavailable"
  | "login.upstream_no_email"
  | "login.upstream_email_taken"
  | "login.upstream_link_required"
  /** the address's domain requires its team's single sign-on (#17 item 3; the message names the domain and team) */
  | "login.sso_required";

export type Refusal = {
  code: RefusalCode;
  attemptsLeft?: number;
  retryAfter?: number;
  message?: string;
  /** login.unverified: the account's address (told only after the right password), for the resend form */
  email?: string;
  /** login.sso_required: the team, the domain and the team's provider, for the pages to say `message` in their language */
  sso?: { team: string; domain: string; connector: string | null };
};

/** the finished login, handed to oidc-provider once */
export type Finished = {
  accountId: string;
  amr: string[];
  remember: boolean;
  teamId: string | null;
  /** the upstream identity provider signed in through (connector slug), for the `idp` claim */
  idp?: string;
  /** the authentication context class the sign-in earned (lib/acr.ts) */
  acr?: string;
  /** a fresh trusted-device cookie value to set on this browser */
  deviceCookie?: string;
};

export type Outcome =
  /** the login goes on at this page; `notice`: what the page says first */
  | { kind: "continue"; page: LoginPage; notice?: "resent" }
  /** this step said no; the login stays where it was (unless the refusal ended it: login.expired, device.attempts_used) */
  | ({ kind: "refused" } & Refusal)
  /** the whole sign-in is done */
  | { kind: "done"; finished: Finished }
  /** the relying party is told access_denied */
  | { kind: "cancelled"; description: string }
  /** the user cannot reach the acr level the relying party asked for: it is told unmet_authentication_requirements */
  | { kind: "unmet"; description: string }
  /** a held sign-in the user denied from the email */
  | { kind: "blocked" };

export const refused = (code: RefusalCode, extra: Omit<Refusal, "code"> = {}): Outcome => ({ kind: "refused", code, ...extra });
export const goTo = (page: LoginPage): Outcome => ({ kind: "continue", page });

/** the clock every step reads */
export type FlowClock = { now(): Date; epoch(): number };
