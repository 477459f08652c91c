// The sign-in as one flow: identify and first factor -> second factor (when the account has one) -> gates
// (suspicious-login hold, device approval, single session, in this order) -> team -> finish. Each step is its
// own file here; this one declares the strategies and the gate order and wires the steps together. Routes give
// it the request's facts and parsed input and render what it returns (an Outcome); it never sees Koa.
import type { RedisClient } from "../../db/redis.ts";
import type { SignInQueries } from "../../queries/sign-ins.ts";
import type { AccountService } from "../../services/accounts.ts";
import type { TrustedDevices } from "../../services/devices/trusted-devices.ts";
import type { PasswordService } from "../../services/passwords.ts";
import type { RiskService } from "../../services/risk/index.ts";
import type { SessionRecords } from "../../services/sessions/records.ts";
import type { TeamService } from "../../services/teams.ts";
import type { TotpService } from "../../services/totp.ts";
import { strategyFor, type FirstFactorInput, type FirstFactorStrategy } from "./first-factor.ts";
import { createPasswordStrategy } from "./password.ts";
import { createSecondFactorStep, type SecondFactorStrategy } from "./second-factor.ts";
import { createTotpStrategy } from "./totp.ts";
import { createPasskeyFirstFactor, createPasskeySecondFactor, type PasskeyPort } from "./passkey.ts";
import { createGateRunner, type Gate } from "./gates.ts";
import { createRiskGate, type Limit, type RiskAction } from "./gate-risk.ts";
import { createDeviceGate, type DeviceSettings } from "./gate-device.ts";
import { createSingleSessionGate } from "./gate-single-session.ts";
import { createTeamStep } from "./team.ts";
import { createEnrolStep, type EnrolmentPort } from "./enrol.ts";
import { createMagicLinkStrategy, type MagicLinkPort } from "./magic-link.ts";
import { createUpstreamStrategy, type UpstreamPort } from "./upstream.ts";
import { createUpstreamLinkStrategy } from "./upstream-link.ts";
import { createStepUp, planAfter, unmet, type LiveSession } from "./step-up.ts";
import { createFinish } from "./finish.ts";
import { createLoginStore } from "./store.ts";
import { createTrail, type AuditWriter, type Trail } from "./trail.ts";
import type { Facts, FlowClock, LinkProof, Outcome } from "./types.ts";
import { inSpan } from "../../lib/spans.ts";

export type LoginEngineDeps = {
  redis: RedisClient;
  clock: FlowClock;
  accounts: AccountService;
  passwords: Pick<PasswordService, "saturated">;
  totp: Pick<TotpService, "verifyCode">;
  passkeys: PasskeyPort;
  magicLinks: MagicLinkPort;
  /** upstream identity providers (services/federation/); none: no sign-in through them (unit tests of other steps) */
  federation?: UpstreamPort;
  enrolment: EnrolmentPort;
  teams: Pick<TeamService, "membershipsOf">;
  risk: RiskService;
  devices: TrustedDevices;
  sessions: SessionRecords;
  audit: AuditWriter;
  signIns: SignInQueries;
  settings: { device: DeviceSettings; singleSession: boolean; interactionTtl: number; riskAction?: RiskAction };
  limits: { holdEmailsPerUser: Limit; deviceCodesPerIp: Limit; deviceCodesPerUser: Limit };
};

/** a step's outcome as span attributes: its kind, and the page or refusal code (fixed words, never input) */
const outcomeAttributes = (o: { kind: string }): Record<string, string> => {
  const out = o as Outcome;
  return {
    "gatehouse.login.outcome": o.kind,
    ...(out.kind === "continue"
      ? { "gatehouse.login.page": out.page }
      : out.kind === "refused"
        ? { "gatehouse.login.refusal": out.code }
        : {}),
  };
};

export function createLoginEngine(deps: LoginEngineDeps) {
  const { clock } = deps;
  const store = createLoginStore(deps.redis, clock);

  const firstFactors: FirstFactorStrategy[] = [
    createPasswordStrategy(deps),
    createPasskeyFirstFactor(deps.passkeys),
    createMagicLinkStrategy({ magicLinks: deps.magicLinks, accounts: deps.accounts, federation: deps.federation }),
    ...(deps.federation
      ? [
          createUpstreamStrategy(deps.federation),
          createUpstreamLinkStrategy({ links: deps.federation.links, accounts: deps.accounts, passkeys: deps.passkeys }),
        ]
      : []),
  ];
  const secondFactors: SecondFactorStrategy[] = [createTotpStrategy(deps.totp), createPasskeySecondFactor(deps.passkeys)];

  const risk = createRiskGate({
    risk: deps.risk,
    accounts: deps.accounts,
    clock,
    holdEmails: deps.limits.holdEmailsPerUser,
    action: deps.settings.riskAction ?? "hold",
  });
  const device = createDeviceGate({
    devices: deps.devices,
    accounts: deps.accounts,
    settings: deps.settings.device,
    waitTtl: deps.settings.interactionTtl,
    limits: { perIp: deps.limits.deviceCodesPerIp, perUser: deps.limits.deviceCodesPerUser },
  });
  const singleSession = createSingleSessionGate({ sessions: deps.sessions, clock, enabled: deps.settings.singleSession });
  // in this order: a held login is approved before a device code is sent, and the other session is only
  // signed out once this one has passed every check
  const gateOrder: Gate[] = [risk.gate, device.gate, singleSession.gate];

  // wired back to front: each step is handed the one after it
  let team: ReturnType<typeof createTeamStep> | undefined;
  // a forced enrolment comes after every gate: a password alone (perhaps phished) must not set up a second factor
  // before the risk hold, device approval and single-session checks have let the sign-in through
  let enrol: ReturnType<typeof createEnrolStep> | undefined;
  const gates = createGateRunner({ store, accounts: deps.accounts, gates: gateOrder }, (facts, who, trail) =>
    who.enrolFor?.length ? enrol!.begin(facts, who, who.enrolFor, trail) : team!.proceed(facts, who, trail),
  );
  // a pending upstream link (upstream-link.ts) is made only here, once every factor and gate has passed
  const links = deps.federation?.links;
  const completeLink = links
    ? async (facts: Facts, userId: string, proof: LinkProof) =>
        Boolean(await links.complete(facts.uid, userId, { ip: facts.ip, userAgent: facts.userAgent, clientId: facts.clientId }, proof))
    : undefined;
  const finish = createFinish({ signIns: deps.signIns, clock, settle: gates.settleAll, completeLink });
  team = createTeamStep({ store, teams: deps.teams, finish, stillValid: gates.stillValid });
  const secondFactor = createSecondFactorStep({ store, accounts: deps.accounts, strategies: secondFactors }, gates.run);
  enrol = createEnrolStep({ store, accounts: deps.accounts, port: deps.enrolment }, (facts, who, trail) =>
    team!.proceed(facts, who, trail),
  );
  const stepUp = createStepUp({ accounts: deps.accounts, secondFactor, nowMs: () => clock.now().getTime() });

  /** the trail of one request's audit events */
  const trailOf = (facts: Facts): Trail => createTrail(deps.audit, facts);
  /**
   * one request's step with its trail: what it collected is written even when a later part throws (a refused email,
   * a store down); traced as the span login.<name> with its outcome (lib/spans.ts)
   */
  function step<T extends { kind: string }>(name: string, facts: Facts, act: (trail: Trail) => Promise<T>): Promise<T> {
    return inSpan(
      `login.${name}`,
      { "gatehouse.login.step": name },
      async () => {
        const trail = trailOf(facts);
        try {
          return await act(trail);
        } catch (err) {
          await trail.flush().catch(() => {});
          throw err;
        }
      },
      outcomeAttributes,
    );
  }

  return {
    trailOf,

    /** the first factor: whatever waited in this interaction is dropped, then the strategy decides */
    firstFactor: (facts: Facts, input: FirstFactorInput): Promise<Outcome> =>
      step(`first_factor.${input.method}`, facts, async (trail) => {
        await store.drop(facts.uid);
        const authAt = clock.now().getTime();
        const result = await strategyFor(firstFactors, input).authenticate(input, facts);
        if (result.outcome === "refused") {
          if (result.event) trail.addFull(result.event);
          await trail.flush();
          return result.refusal;
        }
        const { user, amr } = result;
        const remember = result.remember ?? input.remember;
        const stepUp: { stepUp?: "network" } = result.stepUp ? { stepUp: result.stepUp } : {};
        // what the acr level asked for still needs (step-up.ts): a second factor, nothing more, or out of reach
        const enrolled = result.multiFactor ? [] : await secondFactor.enrolled(user);
        const plan = planAfter(amr, result.multiFactor, enrolled, facts.requiredAcr);
        if (plan.next === "unmet") return unmet(facts, user, amr, trail);
        if (plan.next === "second_factor")
          return secondFactor.begin(facts, user, enrolled, amr, remember, authAt, trail, {
            ...stepUp,
            ...(plan.only ? { only: plan.only } : {}),
            ...(result.idp ? { idp: result.idp, audit: result.audit } : {}),
            ...(result.link ? { link: result.link } : {}),
          });
        // a method that proved two factors (a passkey) is judged by the device gate like a second factor
        if (result.multiFactor)
          await deps.accounts.completeSignIn(user, { ip: facts.ip, userAgent: facts.userAgent, deviceToken: facts.deviceToken });
        const audit = {
          amr,
          ...(result.method ? { method: result.method } : {}),
          ...(result.stepUp ? { stepUp: result.stepUp } : {}),
          ...result.audit,
        };
        // an administrator requires a second factor and this user has none: set one up once the gates pass (enrol.ts)
        const requiredBy = result.multiFactor ? [] : await enrol!.needed(user);
        const who = {
          userId: user.id,
          amr,
          remember,
          authAt,
          audit,
          ...(result.idp ? { idp: result.idp } : {}),
          ...(result.link ? { link: result.link } : {}),
          ...(requiredBy.length ? { enrolFor: requiredBy } : {}),
        };
        return gates.run(facts, who, trail, user);
      }),

    /** a live session weaker than the acr level asked for: straight to the missing second factor (step-up.ts) */
    stepUp: (facts: Facts, session: LiveSession): Promise<Outcome> =>
      step("step_up", facts, async (trail) => {
        await store.drop(facts.uid);
        return stepUp(facts, session, trail);
      }),

    /**
     * the options for navigator.credentials.get in this interaction: any discoverable passkey (first factor), or
     * the keys of the user waiting for a second factor (null: nobody waits)
     */
    async passkeyOptions(facts: Facts, factor: "first_factor" | "second_factor") {
      if (factor === "first_factor") return deps.passkeys.authentication.options("first_factor", facts.uid);
      const state = await secondFactor.waiting(facts.uid);
      const user = state ? await deps.accounts.findActive(state.userId) : undefined;
      return user ? deps.passkeys.authentication.options("second_factor", facts.uid, user) : null;
    },

    /** the forced TOTP setup (enrol.ts) */
    enrol: {
      show: (facts: Facts) => enrol!.show(facts),
      confirm: (facts: Facts, code: string) => step("enrol.confirm", facts, (trail) => enrol!.confirm(facts, code, trail)),
      proceed: (facts: Facts) => step("enrol.proceed", facts, (trail) => enrol!.proceed(facts, trail)),
    },

    secondFactor: {
      waiting: (facts: Facts) => secondFactor.waiting(facts.uid),
      methods: (facts: Facts) => secondFactor.methods(facts.uid),
      submit: (facts: Facts, input: { method: string; code: string }) =>
        step("second_factor", facts, (trail) => secondFactor.submit(facts, input, trail)),
    },

    hold: ((a) => ({ visit: (facts: Facts) => step("hold.visit", facts, (trail) => a.visit(facts, trail)), poll: a.poll }))(
      risk.actions(gates),
    ),
    device: ((a) => ({
      show: a.show,
      submit: (facts: Facts, code: string) => step("device.submit", facts, (trail) => a.submit(facts, code, trail)),
      resend: a.resend,
    }))(device.actions(gates)),
    singleSession: ((a) => ({
      show: a.show,
      replace: (facts: Facts) => step("single_session.replace", facts, (trail) => a.replace(facts, trail)),
      cancel: (facts: Facts) => step("single_session.cancel", facts, (trail) => a.cancel(facts, trail)),
    }))(singleSession.actions(gates)),
    team: {
      show: (facts: Facts) => team!.show(facts),
      choose: (facts: Facts, pick: string | undefined) => step("team.choose", facts, (trail) => team!.choose(facts, pick, trail)),
      forSession: team.forSession,
    },
  };
}

export type LoginEngine = ReturnType<typeof createLoginEngine>;
