// The suspicious-login rules by name (RISK_RULES), and running the configured ones over one sign-in.
import { impossibleTravel } from "./impossible-travel.ts";
import { newCountry } from "./new-country.ts";
import { newNetwork } from "./new-network.ts";
import type { HoldReason, PastSignIn, Rule, RuleSettings, SignInAttempt } from "./types.ts";

export const RULES = { new_country: newCountry, impossible_travel: impossibleTravel, new_network: newNetwork } satisfies Record<
  string,
  Rule
>;
export type RuleName = keyof typeof RULES;

export type FiredRule = { rule: RuleName; reason: HoldReason };

/** the rules among `enabled` that fire for this sign-in, in the order given */
export function evaluateRules(
  enabled: readonly RuleName[],
  attempt: SignInAttempt,
  history: readonly PastSignIn[],
  settings: RuleSettings,
): FiredRule[] {
  const fired: FiredRule[] = [];
  for (const rule of enabled) {
    const result = RULES[rule](attempt, history, settings);
    if (result.fired) fired.push({ rule, reason: result.reason });
  }
  return fired;
}

export { networkOf } from "./new-network.ts";
export type { HoldReason, PastSignIn, Place, RuleSettings, SignInAttempt } from "./types.ts";
