// The CLI's refusals in the catalogue's words, as the admin pages and the REST API say them: "<who>: <words>",
// where <who> is what the operator typed (an id, an address, an option and its value).
import { CATALOGUE, type ErrorCode } from "../lib/error-catalogue.ts";
import { CliError } from "./context.ts";

/** "<who>: " (when there is one) and the catalogue's words for `code` */
export const refused = (code: ErrorCode, who: string) => new CliError(who ? `${who}: ${CATALOGUE[code].message}` : CATALOGUE[code].message);

/** a user action's refusal (services/user-admin-types.ts: refusalCode) in the catalogue's words; an outcome without a code by its name */
export const refusedOutcome = (outcome: string, code: ErrorCode | null, who: string) =>
  code ? refused(code, who) : new CliError(`${who}: ${outcome.replaceAll("_", " ")}`);

/** an account that is not there (user.not_found) */
export const noSuchUser = (who: string) => refused("user.not_found", who);
