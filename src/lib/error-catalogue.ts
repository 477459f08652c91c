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
} as const satisfies Record<string, CatalogueEntry>;

export type ErrorCode = keyof typeof CATALOGUE;

/** the code with its status and words */
export const catalogued = (code: ErrorCode): { code: ErrorCode } & CatalogueEntry => ({ code, ...CATALOGUE[code] });
