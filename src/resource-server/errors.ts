// The two ways a request to a resource server fails: no valid token (401, with WWW-Authenticate) or a valid
// token without the permission (403). Framework-free, so any HTTP layer can map them.

export type ResourceServerErrorCode = "invalid_token" | "insufficient_permission";

export class ResourceServerError extends Error {
  constructor(
    readonly code: ResourceServerErrorCode,
    readonly status: 401 | 403,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "ResourceServerError";
  }
}

/** no token, or one that is not a valid Gatehouse access token for this service: answer 401 */
export class InvalidTokenError extends ResourceServerError {
  /** true when the request carried no bearer token at all (RFC 6750: then no error code is sent) */
  readonly missing: boolean;
  constructor(message: string, options: { missing?: boolean; cause?: unknown } = {}) {
    super("invalid_token", 401, message, { cause: options.cause });
    this.name = "InvalidTokenError";
    this.missing = options.missing ?? false;
  }
}

/** a valid token whose permissions do not cover what the request needs: answer 403 */
export class InsufficientPermissionError extends ResourceServerError {
  constructor(readonly permission: string) {
    super("insufficient_permission", 403, `This needs the permission "${permission}".`);
    this.name = "InsufficientPermissionError";
  }
}

const quoted = (value: string) => `"${value.replace(/[\\"]/g, "").replace(/[^\x20-\x7e]/g, "")}"`;

/** the WWW-Authenticate header for an error (RFC 6750 section 3); realm is optional */
export function wwwAuthenticate(err: ResourceServerError, realm?: string): string {
  const params: string[] = realm ? [`realm=${quoted(realm)}`] : [];
  if (err instanceof InvalidTokenError && err.missing) return params.length ? `Bearer ${params.join(", ")}` : "Bearer";
  // a missing permission is RFC 6750's insufficient_scope: the token is fine, it does not allow this
  params.push(
    `error=${quoted(err.code === "invalid_token" ? "invalid_token" : "insufficient_scope")}`,
    `error_description=${quoted(err.message)}`,
  );
  return `Bearer ${params.join(", ")}`;
}
