// The error catalogue: one typed table from an outcome's code to its HTTP status and the words people see, the
// same on the admin pages, in the REST API's {code, message} and in the CLI. The code is also the message key a
// translation would look up. Services answer with outcomes; each surface maps a refusal to its code here and
// nowhere else decides that refusal's status or words (#13; user administration is the first part moved here).
export type CatalogueEntry = { status: number; message: string };

export const CATALOGUE = {
  "user.not_found": { status: 404, message: "There is no such user." },
  "user.cannot_disable_self": { status: 403, message: "You cannot disable your own account." },
  "user.last_super_admin": {
    status: 409,
    message: "The last active Super Admin must stay an active Super Admin: give another account the Super Admin role first.",
  },
  "user.outranked": { status: 403, message: "This user's system role holds more than yours, so you cannot do this to their account." },
  "user.disabled": { status: 409, message: "A disabled account gets no password reset; enable it first." },
  "user.cannot_delete_self": {
    status: 403,
    message: "You cannot delete your own account here: delete it from your account pages, which ask for your password.",
  },
  "user.owns_teams": {
    status: 409,
    message: "This user is the Owner of a team with other members: hand the team over first (an ownership transfer), then delete the user.",
  },
  "account.reauth_required": {
    status: 400,
    message: "Confirm with your current password (or, without one, a code from your authenticator app) to delete your account.",
  },
  "account.wrong_password": { status: 400, message: "That is not your current password. Nothing was deleted." },
  "account.wrong_code": { status: 400, message: "That code is not right. Nothing was deleted." },
  "account.locked": { status: 423, message: "Your account is locked after too many wrong attempts. Try again later; nothing was deleted." },
  "account.no_factor": {
    status: 409,
    message:
      'Your account has no password or second factor to confirm with: set a password first ("Forgot your password?" on the sign-in page).',
  },
  "account.passkey_refused": {
    status: 400,
    message: "That passkey was not accepted (not one of yours, already used, or expired). Try again; nothing was deleted.",
  },
  "account.passkey_required": {
    status: 409,
    message:
      'Your account signs in with passkeys only: confirm the deletion with a passkey on your account\'s "Your data" page (/account/data).',
  },
  "account.owns_teams": {
    status: 409,
    message:
      "You are the Owner of a team with other members: hand it over first (an ownership transfer on the team's page), then delete your account.",
  },
  "account.last_super_admin": {
    status: 409,
    message: "You are the last active Super Admin: give another account the Super Admin role first, then delete yours.",
  },
  "account.deletion_pending": { status: 409, message: "This account is already waiting to be deleted." },
  "passkey.malformed": { status: 400, message: "The passkey's answer could not be read. Try again." },
  "passkey.challenge": { status: 400, message: "This passkey request has expired or was already used. Try again." },
  "passkey.rejected": {
    status: 400,
    message: "The passkey's answer did not check out (wrong site, or not verified by the key). Nothing was changed.",
  },
  "passkey.duplicate": { status: 409, message: "This passkey or security key is already registered." },
  "passkey.unknown": { status: 400, message: "That passkey is not known here (it may have been removed)." },
  "passkey.cloned": {
    status: 400,
    message: "That passkey was refused: its counter went backwards, which can mean it was copied. The account's owner was told.",
  },
  "passkey.not_found": { status: 404, message: "There is no such passkey." },
  "passkey.bad_name": { status: 400, message: "Give the passkey a name of 1 to 64 characters." },
  "passkey.last_factor": {
    status: 409,
    message:
      'This is your last passkey and your account has no password: add another passkey (or set a password with "Forgot your password?") before removing it.',
  },
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
  // the sign-in's refusals (flows/login/types.ts RefusalCode; their message keys: http/routes/interaction/messages.ts)
  "login.invalid_credentials": { status: 401, message: "Invalid email or password" },
  "login.unverified": {
    status: 403,
    message: "Please verify your email address before signing in. Check your inbox for the verification link, or ask for a new one.",
  },
  "login.busy": { status: 503, message: "Too many sign-ins are in progress right now. Please try again in a moment." },
  "login.invalid_code": { status: 401, message: "Invalid code" },
  "login.expired": { status: 400, message: "This sign-in step has expired. Start again and enter your password." },
  "login.team_required": { status: 400, message: "Choose one of your teams." },
  "device.wrong_code": { status: 401, message: "That code is not right. {count} attempts left." },
  "device.wrong_code#one": { status: 401, message: "That code is not right. 1 attempt left." },
  "device.code_expired": { status: 400, message: "This code has expired. Send a new code." },
  "device.attempts_used": {
    status: 429,
    message: "Too many wrong codes. For your security this sign-in was stopped: start over and enter your password again.",
  },
  "device.account_locked": {
    status: 429,
    message: "Too many wrong codes for this account; try again later or sign in from a device you have used before.",
  },
  "device.cooldown": { status: 429, message: "Please wait {count} seconds before asking for a new code." },
  "device.cooldown#one": { status: 429, message: "Please wait 1 second before asking for a new code." },
  "device.email_limited": { status: 429, message: "Too many device approval emails. Please try again later." },
  "device.code_format": { status: 400, message: "Enter the 6-digit code from the email." },
  "login.magic_link_invalid": {
    status: 400,
    message:
      "This sign-in link is no longer valid: it was used, replaced by a newer one, or has expired. Ask for a new one on the sign-in page.",
  },
  "login.magic_code_invalid": {
    status: 401,
    message: "That code is not right, or no longer valid. Ask for a new sign-in link if it keeps failing.",
  },
  "login.passkey_refused": { status: 401, message: "That passkey was not accepted. Try again, or use another way to sign in." },
  "login.upstream_failed#answer": {
    status: 400,
    message: "Signing in through that provider did not work: its answer could not be accepted. Start again, or use another way to sign in.",
  },
  "login.upstream_cancelled": {
    status: 400,
    message: "Signing in through that provider was cancelled there, so you are not signed in. Start again, or use another way to sign in.",
  },
  "login.upstream_unavailable#unnamed": {
    status: 503,
    message: "That sign-in provider did not answer in time. Try again in a moment, or use another way to sign in.",
  },
  "login.upstream_no_email": {
    status: 400,
    message:
      "That sign-in provider did not share your email address, so no account could be made. Allow sharing your email there, or use another way to sign in.",
  },
  "login.upstream_email_taken": {
    status: 409,
    message:
      "An account with that email address already exists, and the provider has not verified the address. Sign in with your password or passkey instead.",
  },
  "login.sso_required": {
    status: 403,
    message: "Your organization requires single sign-on for this address: use \u201cContinue with single sign-on\u201d.",
  },
  "login.sso_required#team": {
    status: 403,
    message: "{team} requires single sign-on for {domain} addresses: use \u201cContinue with single sign-on\u201d instead.",
  },
  "login.sso_required#via": {
    status: 403,
    message: "{team} requires single sign-on for {domain} addresses: use \u201cContinue with single sign-on\u201d ({connector}) instead.",
  },
  "login.upstream_link_required": {
    status: 409,
    message:
      "An account with that email address already exists. Sign in with your password or passkey first; then you can link the provider to your account.",
  },
  "request.unknown_host": { status: 400, message: "This server does not answer for that host name." },
  "request.invalid_characters": { status: 400, message: "The request's {where} contains a NUL character, which no field accepts." },
  service_unavailable: { status: 503, message: "Gatehouse cannot reach its database right now. Please try again in a few seconds." },
  not_found: { status: 404, message: "There is no such API endpoint." },
  method_not_allowed: { status: 405, message: "Use {methods}." },
  "permissions.no_namespace": { status: 403, message: "This client has no permission namespace: an administrator must give it one." },
  "permissions.outside_namespace": { status: 403, message: 'These codes are outside the client\'s namespace "{namespace}.".' },
  "permissions.taken": { status: 409, message: "These codes are registered by someone else." },
  "permissions.too_many": { status: 400, message: "A client may register at most {limit} permissions." },
  "member.not_found": { status: 404, message: "This team has no such member." },
  "role.not_found": { status: 404, message: "This team has no such role." },
  "invitation.not_found": { status: 404, message: "This team has no such pending invitation." },
  "transfer.not_found": { status: 404, message: "This team has no pending ownership transfer." },
  "session.not_found": { status: 404, message: "You have no such live session." },
  "device.not_found": { status: 404, message: "You have no such trusted device." },
  "system_role.exists": { status: 409, message: 'A system role with the key "{key}" exists.' },
  "system_role.built_in": { status: 409, message: "This system role is built in and cannot be changed." },
  "outbox.not_found": { status: 404, message: "There is no such message in the outbox." },
  "outbox.not_dead": { status: 409, message: "This message is not a dead letter: it is still waiting to be delivered." },
  "client.not_found": { status: 404, message: "There is no such client." },
  "client.public": { status: 409, message: "A public client has no secret." },
  "client.namespace_taken": { status: 409, message: 'The permission namespace "{namespace}" overlaps the namespace of client {takenBy}.' },
  "csrf.foreign_origin": { status: 403, message: "This request was submitted from another site." },
  "password_strength.unsupported_type": { status: 415, message: "Send the password as JSON (Content-Type: application/json)." },
  "password_strength.invalid": { status: 400, message: "Send {password, username?, email?, name?} as strings." },
  // team pages (teams helper): a member's view never says whether another team exists. "{said}": the words of a
  // service's refusal, a message key with its values (lib/i18n/en-teams.ts's team.refusal.*; http/errors.ts
  // refusalError): English in an answer, in the visitor's language on an error page
  "team.not_member": { status: 404, message: "There is no such team, or you are not one of its members." },
  "team.forbidden": { status: 403, message: "{said}" },
  "team.invalid": { status: 400, message: "{said}" },
  // (api-errors helper) the REST API's, the CSRF check's, the rate limits' and the sign-in pages' refusals. A key
  // "code#variant" is another wording of the same outcome: the answer carries the code before "#" (wireCode).
  // "{said}" is a refusal said by a message key (a team service's, see team.forbidden; a system role's or a user
  // administration's, lib/i18n/en-admin-config.ts adminCfg.systemRoleIssue.*; a client's permission sync's).
  "token.user_required": { status: 403, message: "This needs a user's access token: a client acting for itself has no account." },
  "token.client_credentials_required": {
    status: 403,
    message: "This needs a client_credentials access token of the client itself, not a user's token.",
  },
  "permission.denied": { status: 403, message: "This needs the {permission} permission." },
  "permission.denied#roles_manage": { status: 403, message: "Changing a system role needs the {permission} permission too." },
  "permission.denied#refused": { status: 403, message: "{said}" },
  "permission.denied#team": { status: 403, message: "{said}" },
  "request.invalid": { status: 400, message: "The request's {where} is not valid: {problems}" },
  "request.invalid#refused": { status: 400, message: "{said}" },
  "team.not_found#member": { status: 404, message: "There is no such team, or you are not one of its members." },
  "virtuozzo.not_linked": { status: 404, message: "{said}" },
  "virtuozzo.link_suspended": { status: 409, message: "{said}" },
  "virtuozzo.credentials_refused": { status: 400, message: "{said}" },
  "virtuozzo.credentials_refused#stored": { status: 409, message: "{said}" },
  "virtuozzo.group_type_refused": { status: 403, message: "{said}" },
  "virtuozzo.unavailable": { status: 503, message: "{said}" },
  "virtuozzo.bad_answer": { status: 502, message: "{said}" },
  "domain.taken": { status: 409, message: "{said}" },
  "domain.unverified": { status: 400, message: "{said}" },
  "domain.dns_unavailable": { status: 503, message: "{said}" },
  "domain.not_found": { status: 404, message: "This team has no such domain." },
  "connector.not_found": { status: 404, message: "There is no such sign-in provider." },
  "connector.slug_taken": { status: 409, message: 'Another sign-in provider already uses the slug "{slug}".' },
  "connector.in_use": { status: 409, message: "{linked} account(s) sign in through this provider: disable it instead of deleting it." },
  "webhook.not_found": { status: 404, message: "There is no such webhook endpoint." },
  "session.not_found#user": { status: 404, message: "This user has no such live session." },
  "session.not_found#account": { status: 404, message: "There is no such session among yours: it may have ended already." },
  rate_limited: { status: 429, message: "Too many {what}. Please wait {wait} and try again." },
  rate_limit_unavailable: { status: 503, message: "Sign-in is briefly unavailable. Please try again in a moment." },
  "csrf.foreign_origin#form": { status: 403, message: "This form was submitted from another site." },
  "csrf.invalid_token": {
    status: 403,
    message: "This form has expired or was not sent by this site. Please go back, reload the page and try again.",
  },
  "account.login_state": { status: 400, message: "This sign-in could not be completed. Please start again." },
  "account.login_failed": { status: 400, message: "Sign-in was cancelled." },
  "account.no_passkey": { status: 409, message: "Your account has no passkey to confirm with." },
  "form.invalid": { status: 400, message: "{message}" },
  "interaction.unknown_prompt": { status: 400, message: "This sign-in step is not supported." },
  "interaction.wrong_step": { status: 400, message: "This sign-in step is already done. Go back to the application and try again." },
  "interaction.expired": {
    status: 400,
    message: "This sign-in page has expired or was opened in another browser. Go back to the application and sign in again.",
  },
  "federation.unknown_provider": { status: 404, message: "There is no such sign-in provider." },
  "federation.unknown_provider#saml": { status: 404, message: "There is no such SAML sign-in provider." },
  "login.upstream_unavailable": {
    status: 503,
    message: "{connector} did not answer in time. Try again in a moment, or use another way to sign in.",
  },
  "login.upstream_failed": {
    status: 400,
    message: "This sign-in through another provider has expired or was already used. Go back to the application and sign in again.",
  },
  "login.upstream_failed#long_query": { status: 400, message: "That answer from the sign-in provider is too large." },
  "login.upstream_failed#too_large": { status: 413, message: "That answer from the sign-in provider is too large." },
  "not_found#page": { status: 404, message: "Not found" },
  "magic_link.bad_request": { status: 400, message: "{message}" },
  "passkey.bad_request": { status: 400, message: "Say which factor the passkey is for (first or second)." },
  "passkey.bad_request#account": { status: 400, message: "{message}" },
  "passkey.bad_name#example": {
    status: 400,
    message: 'Give the passkey a name of 1 to 64 characters (for example "Work laptop" or "Blue key").',
  },
  "passkey.reauthentication": { status: 400, message: "That is not your current password." },
  "passkey.reauthentication#no_password": { status: 400, message: "Enter your current password" },
  "passkey.reauthentication#locked": { status: 423, message: "Your account is locked after too many failed attempts. Try again later." },
  "passkey.reauthentication#sign_in_again": {
    status: 403,
    message: "Your account has no password: sign out, sign in again with a passkey, and do this within 5 minutes.",
  },
  // admin configuration screens (admin-config helper): a "#variant" key answers with the code before "#" (wireCode)
  "admin.client_not_found": { status: 404, message: "There is no such client." },
  "admin.connector_not_found": { status: 404, message: "There is no such sign-in provider." },
  "admin.role_not_found#system_role": { status: 404, message: "There is no such system role." },
  "admin.role_not_found#team": { status: 404, message: "There is no such team." },
  "admin.role_not_found#team_role": { status: 404, message: "There is no such role in this team." },
  "request.too_large#logo_upload": { status: 413, message: "The upload is too large (a logo may be at most 256 KB)." },
  "request.invalid_body#upload_type": { status: 400, message: "This form must be sent as multipart/form-data." },
  "request.invalid_body#upload_unreadable": { status: 400, message: "The form could not be read." },
  "request.invalid_body#upload_nul": { status: 400, message: "The form holds a NUL character." },
  // admin people screens (admin-people helper): the admin area's guard, the user and team screens' 404 pages
  "admin.forbidden": { status: 403, message: "Your account does not have access to this part of the admin area." },
  "admin.forbidden#area": { status: 403, message: "Your account does not have access to the admin area." },
  "admin.forbidden#roles": { status: 403, message: "Changing a system role needs the permission to manage roles." },
  "admin.no_such_action": { status: 404, message: "There is no such action." },
  "admin.user_not_found": { status: 404, message: "There is no such user." },
  "admin.team_not_found": { status: 404, message: "There is no such team." },
  "admin.member_not_found": { status: 404, message: "There is no such member of this team." },
} as const satisfies Record<string, CatalogueEntry>;

export type ErrorCode = keyof typeof CATALOGUE;
/** a code whose words are a service's refusal said by its message key ("{said}"; http/errors.ts refusalError) */
export type SaidCode = { [K in ErrorCode]: (typeof CATALOGUE)[K]["message"] extends "{said}" ? K : never }[ErrorCode];

/** a message with its {name} placeholders filled from `vars` (a placeholder `vars` lacks stays as it is) */
export const fillMessage = (message: string, vars?: Record<string, unknown>): string =>
  vars ? message.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole)) : message;

/** the code an answer carries for a catalogue key: the key, or for "code#variant" (another wording) the code */
export const wireCode = (key: ErrorCode): string => key.split("#")[0]!;

/** the code with its status and words */
export const catalogued = (code: ErrorCode): { code: ErrorCode } & CatalogueEntry => ({ code, ...CATALOGUE[code] });
