// The error catalogue: one typed table from an outcome's code to its HTTP status and the words people see, the
// same on the admin pages, in the REST API's {code, message} and in the CLI. The code is also the message key a
// translation would look up. Services answer with outcomes; each surface maps a refusal to its code here and
// nowhere else decides that refusal's status or words (#13; user administration is the first part moved here).
export type CatalogueEntry = { status: number; message: string };

export const CATALOGUE = {
  "user.not_found": { status: 404, message: "There is no such user." },
  "user.cannot_disable_self": { status: 403, message: "You cannot disable your own account." },
  "user.last_super_admin": { status: 409, message: "The last active Super Admin must stay an active Super Admin: give another account the Super Admin role first." },
  "user.outranked": { status: 403, message: "This user's system role holds more than yours, so you cannot do this to their account." },
  "user.disabled": { status: 409, message: "A disabled account gets no password reset; enable it first." },
  "user.cannot_delete_self": { status: 403, message: "You cannot delete your own account here: delete it from your account pages, which ask for your password." },
  "user.owns_teams": { status: 409, message: "This user is the Owner of a team with other members: hand the team over first (an ownership transfer), then delete the user." },
  "account.reauth_required": { status: 400, message: "Confirm with your current password (or, without one, a code from your authenticator app) to delete your account." },
  "account.wrong_password": { status: 400, message: "That is not your current password. Nothing was deleted." },
  "account.wrong_code": { status: 400, message: "That code is not right. Nothing was deleted." },
  "account.locked": { status: 423, message: "Your account is locked after too many wrong attempts. Try again later; nothing was deleted." },
  "account.no_factor": { status: 409, message: "Your account has no password or second factor to confirm with: set a password first (\"Forgot your password?\" on the sign-in page)." },
  "account.passkey_refused": { status: 400, message: "That passkey was not accepted (not one of yours, already used, or expired). Try again; nothing was deleted." },
  "account.passkey_required": { status: 409, message: "Your account signs in with passkeys only: confirm the deletion with a passkey on your account's \"Your data\" page (/account/data)." },
  "account.owns_teams": { status: 409, message: "You are the Owner of a team with other members: hand it over first (an ownership transfer on the team's page), then delete your account." },
  "account.last_super_admin": { status: 409, message: "You are the last active Super Admin: give another account the Super Admin role first, then delete yours." },
  "account.deletion_pending": { status: 409, message: "This account is already waiting to be deleted." },
  "passkey.malformed": { status: 400, message: "The passkey's answer could not be read. Try again." },
  "passkey.challenge": { status: 400, message: "This passkey request has expired or was already used. Try again." },
  "passkey.rejected": { status: 400, message: "The passkey's answer did not check out (wrong site, or not verified by the key). Nothing was changed." },
  "passkey.duplicate": { status: 409, message: "This passkey or security key is already registered." },
  "passkey.unknown": { status: 400, message: "That passkey is not known here (it may have been removed)." },
  "passkey.cloned": { status: 400, message: "That passkey was refused: its counter went backwards, which can mean it was copied. The account's owner was told." },
  "passkey.not_found": { status: 404, message: "There is no such passkey." },
  "passkey.bad_name": { status: 400, message: "Give the passkey a name of 1 to 64 characters." },
  "passkey.last_factor": { status: 409, message: "This is your last passkey and your account has no password: add another passkey (or set a password with \"Forgot your password?\") before removing it." },
  "system_role.not_found": { status: 404, message: "There is no such system role." },
  "team.not_found": { status: 404, message: "There is no such team." },
  "branding.invalid": { status: 400, message: "That branding setting is not valid. Nothing was changed." },
  "branding.logo_empty": { status: 400, message: "Choose a logo file to upload. Nothing was changed." },
  "branding.logo_too_large": { status: 413, message: "The logo is larger than 256 KB. Nothing was changed." },
  "branding.logo_type": { status: 415, message: "The logo must be a PNG, JPEG or WebP image (SVG is not accepted). Nothing was changed." },
  "branding.client_not_found": { status: 404, message: "There is no such client." },
  "passkey.none_left": { status: 409, message: "Add a passkey first: without a password, a passkey is how you sign in." },
  // the REST API's refusals (#13 item 2); {name} in a message is filled from the error's data (catalogueError)
  "request.unsupported_type": { status: 415, message: "Send JSON (Content-Type: application/json)." },
  "not_found": { status: 404, message: "There is no such API endpoint." },
  "method_not_allowed": { status: 405, message: "Use {methods}." },
  "permissions.no_namespace": { status: 403, message: "This client has no permission namespace: an administrator must give it one." },
  "permissions.outside_namespace": { status: 403, message: "These codes are outside the client's namespace \"{namespace}.\"." },
  "permissions.taken": { status: 409, message: "These codes are registered by someone else." },
  "permissions.too_many": { status: 400, message: "A client may register at most {limit} permissions." },
  "member.not_found": { status: 404, message: "This team has no such member." },
  "role.not_found": { status: 404, message: "This team has no such role." },
  "invitation.not_found": { status: 404, message: "This team has no such pending invitation." },
  "transfer.not_found": { status: 404, message: "This team has no pending ownership transfer." },
  "session.not_found": { status: 404, message: "You have no such live session." },
  "device.not_found": { status: 404, message: "You have no such trusted device." },
  "system_role.exists": { status: 409, message: "A system role with the key \"{key}\" exists." },
  "system_role.built_in": { status: 409, message: "This system role is built in and cannot be changed." },
  "outbox.not_found": { status: 404, message: "There is no such message in the outbox." },
  "outbox.not_dead": { status: 409, message: "This message is not a dead letter: it is still waiting to be delivered." },
  "client.not_found": { status: 404, message: "There is no such client." },
  "client.public": { status: 409, message: "A public client has no secret to rotate." },
  "client.namespace_taken": { status: 409, message: "The permission namespace \"{namespace}\" overlaps the namespace of client {takenBy}." },
  "csrf.foreign_origin": { status: 403, message: "This request was submitted from another site." },
  "password_strength.unsupported_type": { status: 415, message: "Send the password as JSON (Content-Type: application/json)." },
  "password_strength.invalid": { status: 400, message: "Send {password, username?, email?, name?} as strings." },
} as const satisfies Record<string, CatalogueEntry>;

export type ErrorCode = keyof typeof CATALOGUE;

/** a message with its {name} placeholders filled from `vars` (a placeholder `vars` lacks stays as it is) */
export const fillMessage = (message: string, vars?: Record<string, unknown>): string =>
  vars ? message.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole)) : message;

/** the code with its status and words */
export const catalogued = (code: ErrorCode): { code: ErrorCode } & CatalogueEntry => ({ code, ...CATALOGUE[code] });
