// The catalogue codes (lib/error-catalogue.ts) of the refusals of deleting an account (account-deletion.ts): the
// account page and the REST API say the user's own, the admin pages, the admin API and the CLI an administrator's.
import type { ErrorCode } from "../lib/error-catalogue.ts";

const OWN_REFUSALS: Record<string, ErrorCode> = {
  reauth_required: "account.reauth_required",
  wrong_password: "account.wrong_password",
  wrong_code: "account.wrong_code",
  locked: "account.locked",
  no_factor: "account.no_factor",
  passkey_refused: "account.passkey_refused",
  passkey_required: "account.passkey_required",
  deletion_pending: "account.deletion_pending",
  owns_teams: "account.owns_teams",
  last_super_admin: "account.last_super_admin",
};
const ADMIN_REFUSALS: Record<string, ErrorCode> = {
  not_found: "user.not_found",
  self: "user.cannot_delete_self",
  outranked: "user.outranked",
  owns_teams: "user.owns_teams",
  last_super_admin: "user.last_super_admin",
};
/** the catalogue code of a refusal of the user's own deletion (null: a success, or not_found: the caller is gone) */
export const ownDeletionRefusal = (outcome: string): ErrorCode | null => OWN_REFUSALS[outcome] ?? null;
/** the catalogue code of a refusal of an administrator's deletion of a user */
export const adminDeletionRefusal = (outcome: string): ErrorCode | null => ADMIN_REFUSALS[outcome] ?? null;
