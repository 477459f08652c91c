// The endpoints the provider lane serves (provider-lane.ts): oidc-provider's machine-facing routes and the methods
// each answers. A module of its own so the bench's bare provider can send the same headers on the same endpoints
// without loading the lane.
/** each endpoint's path (oidc-provider's default routes) and the methods it answers */
const LANE: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ["/token", new Set(["POST"])],
  ["/token/introspection", new Set(["POST"])],
  ["/token/revocation", new Set(["POST"])],
  ["/me", new Set(["GET", "POST"])],
  ["/jwks", new Set(["GET"])],
  ["/.well-known/openid-configuration", new Set(["GET"])],
  ["/.well-known/oauth-authorization-server", new Set(["GET"])],
]);

/** whether the request is one of the lane's endpoints in a method it answers (the rest of `takes` aside) */
export const laneEndpoint = (method: string, path: string): boolean => LANE.get(path)?.has(method) === true;
