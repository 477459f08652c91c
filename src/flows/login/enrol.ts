// The forced enrolment step: an administrator requires a second factor of a system role or a team
// (services/mfa-requirements.ts) and this user, past their first factor, has none (no TOTP, no passkey). After
// the gates (risk hold, device approval, single session: a password alone, perhaps phished, must not set up a
// factor the owner does not have), the login waits at /interaction/:uid/enrol: the authenticator app is set up
// there (the pending secret is the account page's, so a half-done setup carries over), a right code turns TOTP
// on (audited, emailed like on the account page), the backup codes are shown once, and "Continue" goes on to
// the team step.
// Setting a factor up proves nothing more than the first factor did, so the sign-in keeps its amr (pwd) and
// acr; the next sign-in asks for the code. A password change meanwhile, or a disabled account, ends the login.
import { isSignInUser, type User } from "../../queries/users.ts";
import type { AccountService } from "../../services/accounts.ts";
import type { TotpService } from "../../services/totp.ts";
import type { LoginStore } from "./store.ts";
import type { Trail } from "./trail.ts";
import { goTo, refused, type EnrolState, type Facts, type Outcome, type SignedIn } from "./types.ts";

export type EnrolmentPort = {
  /** why this user must have a second factor ("role:<key>", "team:<slug>"); empty: nothing requires one */
  requiredBy(userId: string): Promise<string[]>;
  totp: Pick<TotpService, "beginEnrollment" | "pendingEnrollment" | "confirmEnrollment">;
  /** TOTP was turned on: the user is told by email */
  enabled(user: User, request: { ip: string | null; userAgent: string | null }): Promise<unknown>;
};

type Next = (facts: Facts, who: SignedIn, trail: Trail) => Promise<Outcome>;
export type EnrolView = { kind: "setup"; qrSvg: string; secret: string } | { kind: "codes"; backupCodes: string[] };

export function createEnrolStep(
  deps: { store: LoginStore; accounts: Pick<AccountService, "findActive">; port: EnrolmentPort },
  next: Next,
) {
  const { store, port } = deps;
  const request = (facts: Facts) => ({ ip: facts.ip, userAgent: facts.userAgent });

  /** the waiting login and its user, still valid (null: none, gone, or a password changed since) */
  async function waiting(facts: Facts): Promise<{ state: EnrolState; user: User } | null> {
    const state = await store.current(facts.uid);
    if (state?.step !== "enrol") return null;
    const user = await deps.accounts.findActive(state.who.userId);
    if (!user || (user.passwordChangedAt && user.passwordChangedAt.getTime() > state.who.authAt)) {
      await store.drop(facts.uid);
      return null;
    }
    return { state, user };
  }

  return {
    /** the reasons this user must enrol now (empty: go on) */
    // a sign-in's user row says so already (queries/users.ts findForSignIn)
    needed: (user: User): Promise<string[]> => (isSignInUser(user) ? Promise.resolve(user.mfaRequiredBy) : port.requiredBy(user.id)),

    async begin(facts: Facts, who: SignedIn, requiredBy: string[], trail: Trail): Promise<Outcome> {
      await store.save<EnrolState>(facts.uid, facts.interactionExp, { step: "enrol", who, requiredBy, enrolled: false }, 900);
      trail.add({ type: "login.enrolment_required", outcome: "success", userId: who.userId, data: { requiredBy } });
      await trail.flush();
      return goTo("enrol");
    },

    /** what the page shows: the setup (QR code, key), or, once on, nothing to show again (null: no login waits) */
    async show(facts: Facts): Promise<{ state: EnrolState; view: EnrolView | null } | null> {
      const w = await waiting(facts);
      if (!w) return null;
      if (w.state.enrolled) return { state: w.state, view: null };
      const enrollment = (await port.totp.pendingEnrollment(w.user)) ?? (await port.totp.beginEnrollment(w.user));
      return { state: w.state, view: { kind: "setup", qrSvg: enrollment.qrSvg, secret: enrollment.secret } };
    },

    /** the app's code: TOTP on, the backup codes (shown once); wrong or expired: refused, the login still waits */
    async confirm(facts: Facts, code: string, trail: Trail): Promise<Outcome | EnrolView> {
      const w = await waiting(facts);
      if (!w || w.state.enrolled) return refused("login.expired");
      const result = await port.totp.confirmEnrollment(w.user, code);
      if (result.outcome !== "enabled") {
        trail.add({
          type: "two_factor.enabled",
          outcome: "failure",
          userId: w.user.id,
          data: { reason: result.outcome === "expired" ? "enrollment_expired" : "wrong_code", during: "sign_in" },
        });
        await trail.flush();
        return refused("login.invalid_code");
      }
      await store.save<EnrolState>(facts.uid, facts.interactionExp, { ...w.state, enrolled: true }, 900);
      trail.add({
        type: "two_factor.enabled",
        outcome: "success",
        userId: w.user.id,
        data: { during: "sign_in", requiredBy: w.state.requiredBy },
      });
      await trail.flush();
      await port.enabled(w.user, request(facts));
      return { kind: "codes", backupCodes: result.backupCodes };
    },

    /** "Continue" once TOTP is on: the team step (the gates are behind) */
    async proceed(facts: Facts, trail: Trail): Promise<Outcome> {
      const w = await waiting(facts);
      if (!w || !w.state.enrolled || !(await store.take(facts.uid))) return refused("login.expired");
      const { enrolFor: _done, ...who } = w.state.who;
      return next(facts, { ...who, audit: { ...who.audit, enrolled: "totp" } }, trail);
    },
  };
}
