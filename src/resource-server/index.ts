// Verifies Gatehouse access tokens in any service: a JWT (RFC 9068, typ at+jwt) signed by one of the issuer's
// keys with an allowed asymmetric algorithm, for this audience, not expired and already valid (small leeway).
// Keys come only from the configured key set: jku, x5u and jwk headers are never used. Depends on jose and
// src/authz/wildcards.ts only, so a service can import or copy this folder.
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JSONWebKeySet, type JWTPayload, type JWTVerifyGetKey } from "jose";
import { grantsCover } from "../authz/wildcards.ts";
import { InsufficientPermissionError, InvalidTokenError } from "./errors.ts";

export {
  InvalidTokenError,
  InsufficientPermissionError,
  ResourceServerError,
  wwwAuthenticate,
  type ResourceServerErrorCode,
} from "./errors.ts";

/** what a verified Gatehouse access token says */
export type AccessTokenClaims = JWTPayload & {
  iss: string;
  /** the user's id, or the client's id for a client_credentials token */
  sub: string;
  aud: string | string[];
  exp: number;
  iat: number;
  client_id: string;
  scope?: string;
  /** the active team and the user's role in it (absent for users without a team and for clients) */
  team?: { id: string; slug: string };
  role?: string;
  /** the role's resolved permission codes (empty when the token carries none) */
  permissions: string[];
  amr?: string[];
  /** the Gatehouse sign-in session */
  sid?: string;
  /** the grant the token was issued from: an identifier Gatehouse's introspection looks up, not a credential */
  grant_id?: string;
};

export type ResourceServerOptions = {
  /** Gatehouse's issuer URL, exactly as in its tokens' `iss` */
  issuer: string;
  /** this service's resource indicator(s): the token's `aud` must contain one */
  audience: string | string[];
  /** a JSON Web Key Set, or a jose key getter (createLocalJWKSet, createRemoteJWKSet); default: issuer + /jwks */
  jwks?: JSONWebKeySet | JWTVerifyGetKey;
  /** asymmetric algorithms accepted; default ["ES256"]. "none" and HS* are refused */
  algorithms?: string[];
  /** leeway for exp and nbf, seconds; default 5 */
  clockToleranceSeconds?: number;
  /** the time tokens are checked against; default now */
  currentDate?: () => Date;
};

const ASYMMETRIC = new Set(["ES256", "ES384", "ES512", "PS256", "PS384", "PS512", "RS256", "RS384", "RS512", "EdDSA", "Ed25519"]);

const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === "string");

/** the claims as typed, or why not */
function claimsOf(payload: JWTPayload): AccessTokenClaims {
  const p = payload as Record<string, unknown>;
  const team = p.team as { id?: unknown; slug?: unknown } | undefined;
  const problem =
    typeof p.sub !== "string" || !p.sub
      ? "sub"
      : typeof p.client_id !== "string" || !p.client_id
        ? "client_id"
        : p.scope !== undefined && typeof p.scope !== "string"
          ? "scope"
          : p.permissions !== undefined && !isStringArray(p.permissions)
            ? "permissions"
            : p.amr !== undefined && !isStringArray(p.amr)
              ? "amr"
              : p.role !== undefined && typeof p.role !== "string"
                ? "role"
                : p.sid !== undefined && typeof p.sid !== "string"
                  ? "sid"
                  : p.grant_id !== undefined && typeof p.grant_id !== "string"
                    ? "grant_id"
                    : team !== undefined &&
                        (typeof team !== "object" || team === null || typeof team.id !== "string" || typeof team.slug !== "string")
                      ? "team"
                      : undefined;
  if (problem) throw new InvalidTokenError(`The access token's "${problem}" claim is missing or malformed.`);
  return { ...(payload as AccessTokenClaims), permissions: (p.permissions as string[] | undefined) ?? [] };
}

/** the token from an Authorization header value ("Bearer <token>") or the bare token */
function tokenFrom(bearer: string | null | undefined): string {
  const value = bearer?.trim() ?? "";
  if (!value) throw new InvalidTokenError("No bearer token was sent.", { missing: true });
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i.exec(value);
  if (match) return match[1]!;
  if (/^[A-Za-z0-9\-._~+/]+=*$/.test(value)) return value;
  if (/^\S+ /.test(value) && !/^Bearer /i.test(value))
    throw new InvalidTokenError("Send the access token as a Bearer token.", { missing: true });
  throw new InvalidTokenError("The bearer token is malformed.");
}

function describe(err: unknown): string {
  if (err instanceof errors.JWTExpired) return "The access token has expired.";
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === "nbf") return "The access token is not valid yet.";
    if (err.claim === "iss" || err.claim === "aud") return "The access token is not for this service.";
    if (err.claim === "typ") return "This is not an access token.";
    return `The access token's "${err.claim}" claim is missing or invalid.`;
  }
  if (err instanceof errors.JWSSignatureVerificationFailed || err instanceof errors.JWKSNoMatchingKey)
    return "The access token's signature is invalid.";
  if (err instanceof errors.JOSEAlgNotAllowed) return "The access token's signing algorithm is not accepted.";
  return "The access token is invalid.";
}

export function createResourceServer(options: ResourceServerOptions) {
  const issuer = options.issuer;
  const audience = options.audience;
  if (!issuer || (Array.isArray(audience) ? !audience.length || audience.some((a) => !a) : !audience))
    throw new TypeError("createResourceServer needs an issuer and an audience");
  const algorithms = options.algorithms ?? ["ES256"];
  const refused = algorithms.filter((a) => !ASYMMETRIC.has(a));
  if (!algorithms.length || refused.length)
    throw new TypeError(
      `createResourceServer: algorithms must be asymmetric JWS algorithms (not ${refused.join(", ") || "an empty list"})`,
    );
  const clockTolerance = options.clockToleranceSeconds ?? 5;
  const jwks = options.jwks;
  const getKey: JWTVerifyGetKey =
    typeof jwks === "function" ? jwks : jwks ? createLocalJWKSet(jwks) : createRemoteJWKSet(new URL(`${issuer.replace(/\/+$/, "")}/jwks`));

  return {
    /** the token's claims; throws InvalidTokenError (401) for anything but a valid access token for this service */
    async verify(bearer: string | null | undefined): Promise<AccessTokenClaims> {
      const token = tokenFrom(bearer);
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, getKey, {
          issuer,
          audience,
          algorithms,
          typ: "at+jwt",
          clockTolerance,
          requiredClaims: ["exp", "iat", "sub", "client_id"],
          ...(options.currentDate ? { currentDate: options.currentDate() } : {}),
        }));
      } catch (err) {
        throw new InvalidTokenError(describe(err), { cause: err });
      }
      return claimsOf(payload);
    },

    /** throws InsufficientPermissionError (403) unless the token's permissions cover the code (wildcards too) */
    requirePermission(claims: Pick<AccessTokenClaims, "permissions">, code: string): void {
      if (!hasPermission(claims, code)) throw new InsufficientPermissionError(code);
    },
    hasPermission,
  };
}

/** whether the token's permissions cover the code; "*" and "acme.blog.*" grants are understood */
export function hasPermission(claims: Pick<AccessTokenClaims, "permissions">, code: string): boolean {
  return isStringArray(claims.permissions) && grantsCover(claims.permissions, code);
}

/** requirePermission without a resource server object */
export function requirePermission(claims: Pick<AccessTokenClaims, "permissions">, code: string): void {
  if (!hasPermission(claims, code)) throw new InsufficientPermissionError(code);
}

export type ResourceServer = ReturnType<typeof createResourceServer>;
