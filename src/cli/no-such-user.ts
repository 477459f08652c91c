// The CLI's refusal of an account that is not there, in the catalogue's words as the admin page and the API say
// them (user.not_found): "<who>: There is no such user.", where <who> is what the operator typed.
import { CATALOGUE } from "../lib/error-catalogue.ts";
import { CliError } from "./context.ts";

export const noSuchUser = (who: string) => new CliError(`${who}: ${CATALOGUE["user.not_found"].message}`);
