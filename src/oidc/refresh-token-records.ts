// A refresh token's record without what its grant already says (issue #15: Redis bytes per signed-in session). Its
// account and client are always its grant's (oidc-provider's refresh_token grant refuses a token whose account or
// client differs from its grant's), and its scope is usually the grant's openid scope: three fields, ~70 of a first
// refresh token's ~250 characters, which bring it under a 192-byte allocation of Redis instead of 256.
// So when the request writing a refresh token already holds its grant (read or written in it: grant-records.ts's
// request memo, so this costs no round trip) and the token's account and client are the grant's, the record leaves
// them out, and its scope too when it is the first n words of the grant's scope (n, not "equal": a grant's scope
// only ever grows, words appended at its end by addOIDCScope, so a grant widened by a later authorization still
// gives this token the scope it was issued with). The record says what it left out (record-codec.ts: FROM_GRANT,
// 0 or n). Otherwise, or when anything differs, the record is written in full, and a record in full reads as it
// always did.
// Reading a record that left them out reads its grant (once per request: the Grant.find oidc-provider makes next
// is served from the memo, so a refresh costs no more round trips) and fills them in; without its grant (gone,
// expired) or with a scope shorter than the n words the token took, the token reads as absent: it could not be
// used anyway (oidc-provider refuses a refresh token without its grant). A rotated token's record keeps its letter
// (consume only marks it), and its reuse reads the grant the same way, so a replay still revokes the grant.
// What this leans on: a grant's first words stay as they were. Only a write that lost another's update could change
// them (two authorizations of one client saving the grant at once, one of them stale across the other's whole code
// exchange). The token would then read with the grant's first n words, a scope the user did grant this client (and
// oidc-provider filters a refreshed token's scope by the grant's anyway), or as absent when the grant has fewer. A
// check of the words beside n would cost 3 characters, and with them a typical token (authTime a second or more
// before iat) its 192-byte allocation, for a case no sign-in has been seen to reach: not written.
import type { AdapterPayload } from "oidc-provider";
import { FROM_GRANT, notCompactable, type FromGrant } from "./record-codec.ts";

type Grants = {
  /** the grant as the request already holds it (undefined: not known in this request, or none) */
  known(grantId: string): Promise<AdapterPayload | undefined>;
  /** the grant, read once per request */
  find(grantId: string): Promise<AdapterPayload | undefined>;
};

const grantScope = (grant: AdapterPayload): string | undefined => {
  const scope = (grant.openid as { scope?: unknown } | undefined)?.scope;
  return typeof scope === "string" ? scope : undefined;
};

/** n when `scope` is the first n words of the grant's scope (n >= 1), else 0 */
function wordsOfGrantScope(scope: unknown, grant: AdapterPayload): number {
  const granted = grantScope(grant);
  if (typeof scope !== "string" || !scope || granted === undefined) return 0;
  const words = scope.split(" ");
  return granted.split(" ").slice(0, words.length).join(" ") === scope ? words.length : 0;
}

/** what a refresh token's record holds: without account, client (and scope) when its grant says them */
export function recordOfRefreshToken(payload: AdapterPayload, grant: AdapterPayload | undefined): AdapterPayload & FromGrant {
  const { accountId, clientId, scope, ...rest } = payload;
  if (!grant || typeof accountId !== "string" || typeof clientId !== "string") return payload;
  if (grant.accountId !== accountId || grant.clientId !== clientId || notCompactable(payload)) return payload;
  const words = wordsOfGrantScope(scope, grant);
  return words ? { ...rest, [FROM_GRANT]: words } : { ...rest, ...(scope === undefined ? {} : { scope }), [FROM_GRANT]: 0 };
}

/** the refresh token a record holds, with what it left out taken from its grant (undefined: it cannot be filled in) */
export function refreshTokenOfRecord(stored: AdapterPayload & FromGrant, grant: AdapterPayload | undefined): AdapterPayload | undefined {
  const { [FROM_GRANT]: fromGrant, ...payload } = stored;
  if (fromGrant === undefined) return stored;
  if (!grant || typeof grant.accountId !== "string" || typeof grant.clientId !== "string") return undefined;
  if (!Number.isSafeInteger(fromGrant) || fromGrant < 0) return undefined;
  const filled: AdapterPayload = { ...payload, accountId: grant.accountId, clientId: grant.clientId };
  if (fromGrant === 0) return filled;
  const words = grantScope(grant)?.split(" ") ?? [];
  return words.length < fromGrant ? undefined : { ...filled, scope: words.slice(0, fromGrant).join(" ") };
}

export function createRefreshTokenRecords(grants: Grants) {
  return {
    /** the payload to write for a refresh token: compact when this request holds its grant (no round trip) */
    async toWrite(payload: AdapterPayload): Promise<AdapterPayload> {
      if (typeof payload.grantId !== "string") return payload;
      return recordOfRefreshToken(payload, await grants.known(payload.grantId));
    },

    /** the refresh token read (decodeRecord), filled in from its grant when it left fields out; undefined: none */
    async fromRecord(stored: AdapterPayload & FromGrant): Promise<AdapterPayload | undefined> {
      if (stored[FROM_GRANT] === undefined) return stored;
      return refreshTokenOfRecord(stored, typeof stored.grantId === "string" ? await grants.find(stored.grantId) : undefined);
    },
  };
}
