// Suspicious logins: the configured rules over a sign-in and the user's recent history (login.risk_evaluated),
// holding a sign-in that trips one (login.held; the approve / deny links emailed), the links' decisions
// (login.hold_approved / login.hold_denied, with the time from hold to decision) and a hold's expiry
// (login.hold_expired, once, when it is seen), an earlier hold of the same interaction ending when a new one is
// made (login.hold_superseded), the per-user limit on hold emails (login.failed, reason hold_email_limit), and
// recording every successful sign-in's location.
import type { RedisClient } from "../../db/redis.ts";
import type { Clock } from "../../lib/clock.ts";
import type { Logger } from "../../lib/logger.ts";
import type { Config } from "../../config/load.ts";
import type { LoginLocationQueries } from "../../queries/login-locations.ts";
import type { Geo } from "../request/geo.ts";
import type { Notifications, RequestInfo } from "../notifications.ts";
import type { AuditService } from "../audit.ts";
import type { NewAuditEvent } from "../../queries/audit-events.ts";
import { createLoginHistory } from "./history.ts";
import { createHolds, type Hold } from "./holds.ts";
import { evaluateRules, type FiredRule } from "./rules/index.ts";

export type RiskDeps = {
  queries: LoginLocationQueries;
  redis: RedisClient;
  clock: Clock;
  geo: Geo;
  notifications: Notifications;
  audit: AuditService;
  settings: Config["risk"];
  issuer: string;
  log: Logger;
};

type Request = RequestInfo & { clientId?: string | null };
type Recipient = { id: string; email: string; username: string };

export function createRiskService(deps: RiskDeps) {
  const { clock, audit, settings } = deps;
  const history = createLoginHistory(deps);
  const holds = createHolds(deps);
  const link = (token: string) => `${deps.issuer}/login-holds/${token}`;
  const latencyMs = (hold: Hold) => Math.max(0, clock.now().getTime() - hold.createdAt);
  const holdAudit = (hold: Hold) => ({ holdId: hold.id, rules: hold.rules, interaction: hold.interactionUid });

  /** audits a hold's expiry the first time it is seen */
  async function expired(hold: Hold, request: Request): Promise<void> {
    if (!(await holds.markExpired(hold))) return;
    await audit.record({
      type: "login.hold_expired",
      outcome: "failure",
      userId: hold.userId,
      ...request,
      clientId: hold.clientId,
      data: { ...holdAudit(hold), latencyMs: latencyMs(hold) },
    });
  }

  /** audits that an earlier hold of the interaction ended (its links are dead) */
  async function superseded(hold: Hold | null, request: Request): Promise<void> {
    if (!hold) return;
    await audit.record({
      type: "login.hold_superseded",
      outcome: "success",
      userId: hold.userId,
      ...request,
      clientId: hold.clientId,
      data: { ...holdAudit(hold), latencyMs: latencyMs(hold) },
    });
  }

  /**
   * the rules that fire for this sign-in (none when the rules are off or there is no history) and the
   * login.risk_evaluated event saying so, for the caller to write with the sign-in's other events
   */
  async function assess(userId: string, request: Request): Promise<{ fired: FiredRule[]; event: NewAuditEvent | null }> {
    if (!settings.rules.length) return { fired: [], event: null };
    const started = performance.now();
    const { attempt } = await history.attempt(request.ip ?? "");
    const fired = evaluateRules(settings.rules, attempt, await history.recent(userId), settings);
    return {
      fired,
      event: {
        type: "login.risk_evaluated",
        outcome: "success",
        userId,
        ip: request.ip,
        userAgent: request.userAgent,
        clientId: request.clientId ?? null,
        data: {
          decision: fired.length ? "hold" : "allow",
          rules: fired.map((f) => f.rule),
          latencyMs: Math.round(performance.now() - started),
          known: attempt.place !== null,
        },
      },
    };
  }

  return {
    enabled: settings.rules.length > 0,
    holdTtl: settings.holdTtl,

    assess,

    /** assess, with its event written at once */
    async evaluate(userId: string, request: Request): Promise<FiredRule[]> {
      const { fired, event } = await assess(userId, request);
      if (event) await audit.record(event);
      return fired;
    },

    /**
     * holds the sign-in: the hold, the email with both links, login.held; the hold's id. `spend` (the per-user
     * limit on these emails) runs first: when it throws, nothing is held or sent, and the interaction's earlier
     * hold ends all the same (the login no longer waits on it)
     */
    async hold(
      user: Recipient,
      input: { interactionUid: string; fired: FiredRule[]; ttlSeconds: number; spend: () => Promise<void> },
      request: Request & { clientId: string },
    ): Promise<string> {
      try {
        await input.spend();
      } catch (err) {
        await superseded(await holds.supersedeFor(input.interactionUid), request);
        await audit.record({
          type: "login.failed",
          outcome: "failure",
          userId: user.id,
          ...request,
          data: { reason: "hold_email_limit", rules: input.fired.map((f) => f.rule), interaction: input.interactionUid },
        });
        throw err;
      }
      const located = await history.locate(request.ip ?? "");
      const {
        hold,
        approveToken,
        denyToken,
        superseded: earlier,
      } = await holds.create(
        {
          userId: user.id,
          interactionUid: input.interactionUid,
          clientId: request.clientId,
          rules: input.fired.map((f) => f.rule),
          reasons: input.fired.map((f) => f.reason),
          ip: request.ip,
          userAgent: request.userAgent,
          place: located ? { city: located.city, countryCode: located.countryCode } : null,
        },
        input.ttlSeconds,
      );
      await superseded(earlier, request);
      await deps.notifications.suspiciousLogin(
        user,
        {
          approveLink: link(approveToken),
          denyLink: link(denyToken),
          reasons: input.fired.map((f) => f.reason),
          ttlSeconds: input.ttlSeconds,
        },
        request,
      );
      await audit.record({
        type: "login.held",
        outcome: "success",
        userId: user.id,
        ...request,
        data: { ...holdAudit(hold), ttlSeconds: input.ttlSeconds },
      });
      return hold.id;
    },

    /** this interaction's sign-in went on without a hold: an earlier hold of it (the user started over) ends */
    async endEarlierHold(interactionUid: string, request: Request): Promise<void> {
      await superseded(await holds.supersedeFor(interactionUid), request);
    },

    /** the waiting page's question: is the hold still pending, approved, denied or expired? */
    async status(holdId: string, request: Request) {
      const found = await holds.status(holdId);
      if (found?.status === "expired") await expired(found.hold, request);
      return found;
    },

    /** what an emailed link is about, deciding nothing */
    async inspectLink(token: string, request: Request) {
      const found = await holds.inspect(token);
      if (found.outcome === "expired") await expired(found.hold, request);
      return found;
    },

    /** uses an emailed link (once): approves or denies the held sign-in, audited with the time since the hold */
    async decide(token: string, request: Request) {
      const result = await holds.decide(token);
      if (result.outcome === "expired") await expired(result.hold, request);
      if (result.outcome === "approved" || result.outcome === "denied") {
        await audit.record({
          type: result.outcome === "approved" ? "login.hold_approved" : "login.hold_denied",
          outcome: "success",
          userId: result.hold.userId,
          ...request,
          clientId: result.hold.clientId,
          data: { ...holdAudit(result.hold), latencyMs: latencyMs(result.hold) },
        });
      }
      return result;
    },

    /** remembers where a successful sign-in came from (held or not; also with the rules off, as a baseline) */
    recordSignIn: (userId: string, ip: string | null) => history.record(userId, ip ?? ""),
    /** the login_locations row of a successful sign-in, and the age before which the user's older rows go, for a batched write */
    signInLocation: (userId: string, ip: string | null) => history.row(userId, ip ?? ""),
  };
}

export type RiskService = ReturnType<typeof createRiskService>;
export type { Hold, HoldPlace, HoldStatus, LinkKind, StoredReason } from "./holds.ts";
export { sayHeldSignIn, sayHoldReason, type HeldSignIn } from "./words.ts";
export type { FiredRule, HoldReason, RuleName } from "./rules/index.ts";
