// The device gate (DEVICE_APPROVAL = off | without-2fa | always): a browser the user already trusts passes;
// under without-2fa a TOTP code (not a backup code) or a passkey passes and trusts the browser; otherwise a 6-digit code is
// emailed and the login waits at the code page (enter it, or ask for a new one after a cool-down). A sign-in
// approved from the suspicious-login email still needs the code: the link proves the mailbox owner clicked,
// not that this browser reads the mailbox. While the user's wrong codes of the last 24 hours are used up, no
// code is sent or accepted. Once the sign-in settles, a browser approved by code or TOTP gets a fresh cookie.
// A right password from a network locked for failures across accounts (services/accounts.ts, stepUp) needs the
// code whatever the policy (a TOTP code passes it unless the policy is always).
import type { AccountService } from "../../services/accounts.ts";
import type { TrustedDevices } from "../../services/devices/trusted-devices.ts";
import { isWaiting, type Gate, type GateRunner } from "./gates.ts";
import type { Limit } from "./gate-risk.ts";
import type { Trail } from "./trail.ts";
import { refused, type Facts, type GateState, type Outcome, type Refusal } from "./types.ts";

export type DeviceSettings = { policy: "off" | "without-2fa" | "always"; codeTtl: number };
/** what the code page shows */
export type DeviceView = { email: string; resendIn: number; codeExpired: boolean; refusal?: Refusal };
export type DeviceAnswer = Outcome | { kind: "page"; view: DeviceView };

export function createDeviceGate(deps: {
  devices: TrustedDevices;
  accounts: AccountService;
  settings: DeviceSettings;
  waitTtl: number;
  limits: { perIp: Limit; perUser: Limit };
}) {
  const { devices, accounts, settings, waitTtl } = deps;
  const request = (facts: Facts) => ({ ip: facts.ip, userAgent: facts.userAgent, clientId: facts.clientId });
  /** the rate limits of a code email, spent only when one goes out */
  const spendOnEmail = (facts: Facts, userId: string) => async () => {
    await deps.limits.perIp.consume(facts.ip ?? "");
    await deps.limits.perUser.consume(userId);
  };

  const gate: Gate = {
    name: "device",
    page: "device",
    async check(facts, who, user) {
      // a right password from a locked network (accounts.ts, stepUp) needs the code even when approval is off
      const forced = who.audit.stepUp === "network";
      if (settings.policy === "off" && !forced) return { pass: true, audit: { device: "off" } };
      if (await devices.trustedFor(who.userId, facts.deviceToken, request(facts))) return { pass: true, audit: { device: "trusted" } };
      // only an authenticator app code or a passkey proves a second factor held at hand; a backup code gets the email code
      const held = who.audit.method === "totp" || who.audit.method === "passkey" ? who.audit.method : null;
      if ((settings.policy === "without-2fa" || (forced && settings.policy === "off")) && held)
        return { pass: true, audit: { device: held } };
      // while the user's wrong codes are used up no code is sent: the page then says so
      await devices.sendCode(facts.uid, user, request(facts), waitTtl, spendOnEmail(facts, user.id));
      return { pass: false, page: "device", ttl: waitTtl };
    },
    async settle(facts, who, _trail, out) {
      const how = who.audit.device;
      if (how !== "code" && how !== "totp" && how !== "passkey") return;
      const extra: Record<string, number> =
        typeof who.audit.deviceApprovalMs === "string" ? { latencyMs: Number(who.audit.deviceApprovalMs) } : {};
      out.deviceCookie = (await devices.trust(who.userId, facts.deviceToken, how, request(facts), extra)).token;
    },
  };

  function actions(gates: GateRunner) {
    /** the code page for the login of `state` (an account out of wrong codes shows that first) */
    async function page(facts: Facts, state: GateState, refusal?: Refusal, ended = false): Promise<DeviceAnswer> {
      const user = await accounts.findActive(state.who.userId);
      if (!user) return refused("login.expired");
      let shown = refusal;
      if (!ended && refusal?.code !== "device.account_locked") {
        const account = await devices.accountStatus(user.id);
        if (account.locked) shown = { code: "device.account_locked", retryAfter: account.retryIn };
      }
      const locked = ended || shown?.code === "device.account_locked";
      const status = locked ? null : await devices.codeStatus(facts.uid);
      return {
        kind: "page",
        view: {
          email: user.email,
          resendIn: status?.resendIn ?? 0,
          codeExpired: status?.expired ?? false,
          ...(shown ? { refusal: shown } : {}),
        },
      };
    }

    /** the last attempt is used: the sign-in ends here and must start again */
    async function attemptsUsed(facts: Facts, state: GateState): Promise<DeviceAnswer> {
      await gates.stop(facts);
      await devices.dropCode(facts.uid);
      return page(facts, state, { code: "device.attempts_used" }, true);
    }

    return {
      /** the code page; `refusal`: an input the route refused (the code's format) */
      async show(facts: Facts, refusal?: Refusal): Promise<DeviceAnswer> {
        const w = await gates.waitingAt(facts, "device");
        return isWaiting(w) ? page(facts, w, refusal) : w;
      },

      async submit(facts: Facts, code: string, trail: Trail): Promise<DeviceAnswer> {
        const state = await gates.waitingAt(facts, "device");
        if (!isWaiting(state)) return refused("login.expired");
        const result = await devices.checkCode(facts.uid, state.who.userId, code, request(facts));
        switch (result.outcome) {
          case "ok":
            return gates.pass(facts, state, trail, { device: "code", deviceApprovalMs: String(result.waitedMs) });
          case "wrong":
            return page(facts, state, { code: "device.wrong_code", attemptsLeft: result.attemptsLeft });
          case "locked":
            return attemptsUsed(facts, state);
          case "account_locked":
            return page(facts, state, { code: "device.account_locked", retryAfter: result.retryIn });
          case "expired":
            return page(facts, state, { code: "device.code_expired" });
          case "missing":
            // no code was sent to this sign-in because the account's wrong codes are used up: say so
            if ((await devices.accountStatus(state.who.userId)).locked) return page(facts, state);
            return refused("login.expired");
        }
      },

      async resend(facts: Facts): Promise<DeviceAnswer> {
        const state = await gates.waitingAt(facts, "device");
        if (!isWaiting(state)) return refused("login.expired");
        const user = await accounts.findActive(state.who.userId);
        if (!user) return refused("login.expired");
        let result: Awaited<ReturnType<typeof devices.resendCode>>;
        try {
          result = await devices.resendCode(facts.uid, user, request(facts), spendOnEmail(facts, user.id));
        } catch (err) {
          // a rate limit refused the email: the old code and its cool-down stay as they were
          const limited = err as { status?: number; publicMessage?: string; data?: { retryAfter?: unknown } };
          if (limited.status !== 429) throw err;
          return page(facts, state, {
            code: "device.email_limited",
            ...(limited.publicMessage ? { message: limited.publicMessage } : {}),
            ...(Number(limited.data?.retryAfter) ? { retryAfter: Number(limited.data?.retryAfter) } : {}),
          });
        }
        switch (result.outcome) {
          case "sent":
            return { kind: "continue", page: "device", notice: "resent" };
          case "cooldown":
            return page(facts, state, { code: "device.cooldown", retryAfter: result.retryIn });
          case "locked":
            return attemptsUsed(facts, state);
          case "account_locked":
            return page(facts, state, { code: "device.account_locked", retryAfter: result.retryIn });
          case "missing":
            return refused("login.expired");
        }
      },
    };
  }

  return { gate, actions };
}
