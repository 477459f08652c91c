// The first-factor step: the ways a user proves who they are first, as a list of strategies (the password
// and a passkey today; a magic link or an upstream identity provider plug in here as further strategies). The
// step gives the input to the strategy whose method it names; the strategy says who passed, or why not, with
// the same refusal for every kind of wrong. Then the login goes to the second factor when the account has one
// and the first factor did not already prove two, else to the gates.
import type { User } from "../../queries/users.ts";
import type { NewAuditEvent } from "../../queries/audit-events.ts";
import type { StepUp } from "../../services/accounts.ts";
import type { AuditData, Facts, LinkProof, Outcome } from "./types.ts";

/**
 * what a first-factor form sends; `method` picks the strategy. A passed result's `stepUp`: the login must also
 * pass the emailed device code, whatever DEVICE_APPROVAL says (a right password from a locked network)
 */
export type FirstFactorInput =
  | { method: "password"; identifier: string; password: string; remember: boolean }
  /** `response`: the browser's assertion (JSON), answering the challenge this interaction was given */
  | { method: "passkey"; response: unknown; remember: boolean }
  /** the emailed link (its token) or the code it showed elsewhere, with the asking browser's nonce (magic-link.ts) */
  | ({ method: "magic_link"; browser: string | undefined; remember: boolean } & ({ token: string } | { code: string }))
  /** an upstream identity provider's answer at its callback: the connector's slug and the query string it sent (upstream.ts) */
  | { method: "upstream"; slug: string; query: string; remember: boolean }
  /** the password or a passkey assertion of the existing account an upstream identity is to be linked to (upstream-link.ts) */
  | { method: "upstream_link"; proof: { password: string } | { passkey: unknown }; remember: boolean };

export type FirstFactorResult =
  /** `amr`: how the user proved it; `multiFactor`: the method proved two factors by itself (a passkey with user verification) */
  | {
      outcome: "passed";
      user: User;
      amr: string[];
      multiFactor: boolean;
      stepUp?: StepUp;
      method?: string;
      /** what the method chose, over the input's */ remember?: boolean;
      /** the upstream identity provider (connector slug) the user signed in through: the tokens' `idp` claim */
      idp?: string;
      /** an upstream identity to link once the whole sign-in (second factor, gates) finishes */
      link?: LinkProof;
      /** more for the login.succeeded audit event */
      audit?: AuditData;
    }
  /** the login stops here; `event` is audited */
  | { outcome: "refused"; refusal: Outcome; event?: NewAuditEvent };

export type FirstFactorStrategy = {
  method: FirstFactorInput["method"];
  authenticate(input: FirstFactorInput, facts: Facts): Promise<FirstFactorResult>;
};

/** the strategy for this input's method (a method nobody serves is a programming error) */
export function strategyFor(strategies: FirstFactorStrategy[], input: FirstFactorInput): FirstFactorStrategy {
  const found = strategies.find((s) => s.method === input.method);
  if (!found) throw new Error(`no first-factor strategy for ${input.method}`);
  return found;
}
