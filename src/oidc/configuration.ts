// The oidc-provider configuration: which protocol features are on, lifetimes, storage, accounts, claims and
// the look of the pages oidc-provider renders itself (logout, errors). Read top to bottom, it is the policy.
import { errors, interactionPolicy, type ClientMetadata, type Configuration, type JWK, type KoaContextWithOIDC } from "oidc-provider";
import type { Config } from "../config/load.ts";
import type { AccountService } from "../services/accounts.ts";
import type { TokenClaims } from "./token-claims.ts";
import type { TeamClaimsService } from "./team-claims.ts";
import type { IdpClaim } from "./idp-claim.ts";
import { renderProviderError, type RenderPage } from "./provider-errors.ts";
import type { UnavailableGuard } from "./unavailable.ts";
import { signingAlgs } from "../services/signing-keys.ts";
import { ACR_VALUES } from "../lib/acr.ts";
import { LANG_COOKIE, negotiateLocale } from "../lib/i18n/index.ts";
import { withAcrCheck } from "./acr-policy.ts";
import { fetch as undiciFetch, type Dispatcher } from "undici";

export type ProviderDeps = {
  config: Config;
  accounts: AccountService;
  renderPage: RenderPage;
  tokenClaims: TokenClaims;
  /** teams in tokens (team-claims.ts); without it (unit tests of the bare policy) grants carry no team */
  teams?: TeamClaimsService;
  /** the `idp` claim of sign-ins through an upstream identity provider (idp-claim.ts) */
  idp?: Pick<IdpClaim, "forToken">;
  adapter: NonNullable<Configuration["adapter"]>;
  jwks: JWK[];
  /** a dependency failure in findAccount, grant loading or token claims becomes temporarily_unavailable (503) */
  unavailable?: UnavailableGuard;
};

const unguarded: UnavailableGuard = { call: (_where, fn) => fn() };

/** Gatehouse's own account pages sign in through the provider like any app: a public, first-party client */
export const ACCOUNT_CLIENT_ID = "gatehouse-account";
export const accountCallbackUrl = (issuer: string) => `${issuer}/account/callback`;
const accountClient = (issuer: string): ClientMetadata => ({
  client_id: ACCOUNT_CLIENT_ID,
  client_name: "Gatehouse account",
  token_endpoint_auth_method: "none",
  redirect_uris: [accountCallbackUrl(issuer)],
  post_logout_redirect_uris: [`${issuer}/login`],
  grant_types: ["authorization_code"],
  response_types: ["code"],
  scope: "openid",
  gatehouse_first_party: true,
});

/** `roles`: the ID token and userinfo say the grant's team and the user's role in it */
export const OIDC_SCOPES = ["openid", "profile", "email", "offline_access", "roles"];

type GatehouseClient = {
  clientId: string;
  gatehouse_first_party?: boolean;
  gatehouse_resources?: string[];
  gatehouse_ends_with_session?: boolean;
};

function guardedFindAccount(find: Configuration["findAccount"], guard: UnavailableGuard): Configuration["findAccount"] {
  return async (ctx, sub, token) => {
    const account = await guard.call("findAccount", async () => find!(ctx, sub, token));
    return (
      account && {
        ...account,
        claims: (use, scope, claims, rejected) =>
          guard.call("findAccount.claims", async () => account.claims(use, scope, claims, rejected)),
      }
    );
  };
}

function guardedLoadExistingGrant(load: Configuration["loadExistingGrant"], guard: UnavailableGuard): Configuration["loadExistingGrant"] {
  return (ctx) => guard.call("loadExistingGrant", async () => load!(ctx));
}

function findAccount(
  accounts: AccountService,
  teams: TeamClaimsService | undefined,
  idp?: Pick<IdpClaim, "forToken">,
): Configuration["findAccount"] {
  return async (ctx, sub, token) => {
    // however often the provider asks in a request or a sign-in (resume, token, ID token, userinfo): one read
    const user = await accounts.findActiveForTokens(sub);
    if (!user) return undefined;
    // the grant behind the code, refresh or access token being answered for: it knows the team
    const grantId = (token as { grantId?: string } | undefined)?.grantId ?? ctx.oidc.entities.Grant?.jti;
    return {
      accountId: user.id,
      claims: async (_use, scope) => ({
        sub: user.id,
        email: user.email,
        email_verified: user.emailVerified,
        preferred_username: user.username,
        ...(user.name ? { name: user.name } : {}),
        updated_at: Math.floor(user.updatedAt.getTime() / 1000),
        ...(teams && scope.split(" ").includes("roles") ? await teams.identityClaims(user.id, grantId) : {}),
        ...(idp && _use === "id_token" ? await idp.forToken(token) : {}),
      }),
    };
  };
}

function cookies(config: Config): Configuration["cookies"] {
  const secure = config.isProduction;
  return {
    keys: config.secrets.cookieKeys,
    // __Host- (Secure, path=/, no Domain) where the session cookie can have it: in production, over https
    names: { session: secure ? "__Host-gh.session" : "gh.session", interaction: "gh.interaction", resume: "gh.resume" },
    long: { httpOnly: true, sameSite: "lax", secure, signed: true },
    short: { httpOnly: true, sameSite: "lax", secure, signed: true },
  };
}

const shorter = (own: number | undefined, lifetime: number) => Math.min(own ?? lifetime, lifetime);

function lifetimes(config: Config): Configuration["ttl"] {
  return {
    // a resource server may have a shorter lifetime of its own (RESOURCE_ACCESS_TOKEN_TTL, see resourceIndicators)
    AccessToken: (_ctx, token) => shorter(token.resourceServer?.accessTokenTTL, config.tokens.accessTokenTtl),
    AuthorizationCode: config.tokens.codeTtl,
    ClientCredentials: (_ctx, token) => shorter(token.resourceServer?.accessTokenTTL, config.tokens.clientCredentialsTtl),
    IdToken: config.tokens.idTokenTtl,
    // rotation never extends a chain: the new token gets what the old one had left (absolute expiry)
    RefreshToken: (ctx) => ctx?.oidc?.entities.RotatedRefreshToken?.remainingTTL ?? config.tokens.refreshTokenTtl,
    Interaction: config.session.interactionTtl,
    // absolute: oidc-provider saves a touched session again with this TTL, which counts from the sign-in
    // (its own clock, like Redis'), never from now; the app-clock check of the same end is the session guard's
    Session: (_ctx, session) => {
      const lifetime = session.transient ? config.session.ttl : config.session.rememberTtl;
      return session.loginTs ? Math.max(1, session.loginTs + lifetime - Math.floor(Date.now() / 1000)) : lifetime;
    },
    Grant: config.session.grantTtl,
  };
}

/**
 * First-party clients never see a consent page: their grant is extended to what they ask for. Then the grant
 * gets its team (the team page's pick, the `team` parameter, or the only team; see team-claims.ts).
 */
function loadExistingGrant(teams: TeamClaimsService | undefined): Configuration["loadExistingGrant"] {
  return async (ctx) => {
    const { client, session, result } = ctx.oidc;
    const grantId = result?.consent?.grantId ?? session?.grantIdFor(client!.clientId);
    let grant = grantId ? await ctx.oidc.provider.Grant.find(grantId) : undefined;
    const newGrant = () => new ctx.oidc.provider.Grant({ clientId: client!.clientId, accountId: session!.accountId! });
    if ((client as unknown as GatehouseClient).gatehouse_first_party === true && session?.accountId) {
      grant ??= newGrant();
      grant.addOIDCScope([...ctx.oidc.requestParamScopes].join(" "));
      for (const [resource, server] of Object.entries(ctx.oidc.resourceServers ?? {})) grant.addResourceScope(resource, server.scope);
      await grant.save();
    }
    return teams ? teams.applyToGrant(ctx, grant, newGrant) : grant;
  };
}

/** login, then the team page when a live session cannot tell which team is meant, then consent */
function interactionPolicyWith(teams: TeamClaimsService | undefined) {
  // acr_values are a requirement: a weaker session signs in again for what is missing (acr-policy.ts)
  const policy = withAcrCheck(interactionPolicy.base());
  if (teams) policy.add(teams.prompt(), 1);
  return policy;
}

type ResourceIndicators = NonNullable<NonNullable<Configuration["features"]>["resourceIndicators"]>;

function resourceIndicators(config: Config): ResourceIndicators {
  return {
    enabled: true,
    defaultResource: async (_ctx, _client, oneOf) => oneOf,
    useGrantedResource: async () => true,
    getResourceServerInfo: async (_ctx, resource, client) => {
      const allowed = (client as unknown as GatehouseClient).gatehouse_resources ?? [];
      if (!config.resourceServers.includes(resource) || !allowed.includes(resource)) {
        throw new errors.InvalidTarget("this client may not ask for tokens for that resource");
      }
      const accessTokenTTL = config.tokens.resourceAccessTokenTtl[resource];
      return {
        scope: "api",
        audience: resource,
        accessTokenFormat: "jwt",
        jwt: { sign: { alg: config.tokens.signingAlg } },
        ...(accessTokenTTL ? { accessTokenTTL } : {}),
      };
    },
  };
}

export function providerConfiguration(deps: ProviderDeps): Configuration {
  const { config, renderPage, tokenClaims } = deps;
  // the sign-out pages' language: the switcher's cookie, then Accept-Language, then DEFAULT_LOCALE (lib/i18n)
  const pageLocale = (ctx: { cookies: { get(name: string): string | undefined }; get(field: string): string }) =>
    negotiateLocale({
      chosen: [ctx.cookies.get(LANG_COOKIE)],
      acceptLanguage: ctx.get("accept-language") || undefined,
      fallback: config.defaultLocale,
    });
  const guard = deps.unavailable ?? unguarded;
  const alg = config.tokens.signingAlg;
  return {
    adapter: deps.adapter,
    jwks: { keys: deps.jwks },
    clients: [accountClient(config.issuer)],
    findAccount: guardedFindAccount(findAccount(deps.accounts, deps.teams, deps.idp), guard),
    // team and role are listed under openid too, so the ID token carries them (not only userinfo, where an
    // access token for userinfo sends scope claims); findAccount returns them only when `roles` was granted
    // acr and auth_time under openid too: every ID token says when and how strongly the user signed in (lib/acr.ts)
    claims: {
      iss: null,
      sid: null,
      openid: ["sub", "amr", "acr", "auth_time", "team", "role", "idp"],
      email: ["email", "email_verified"],
      profile: ["name", "preferred_username", "updated_at"],
      roles: ["team", "role"],
    },
    scopes: OIDC_SCOPES,
    // the levels a sign-in earns and a relying party may ask for with acr_values (lib/acr.ts)
    acrValues: ACR_VALUES,
    responseTypes: ["code"],
    // PKCE (S256 is the only method oidc-provider 9 knows) for every client, confidential ones too (RFC 9700)
    pkce: { required: () => true },
    allowOmittingSingleRegisteredRedirectUri: false,
    clientAuthMethods: ["client_secret_basic", "client_secret_post", "private_key_jwt", "none"],
    clientDefaults: {
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
      id_token_signed_response_alg: alg,
    },
    extraClientMetadata: { properties: ["gatehouse_first_party", "gatehouse_resources", "gatehouse_ends_with_session"] },
    enabledJWA: {
      // SIGNING_ALG is every client's default; RS256 for a client that asks (OpenID Connect requires it offered)
      idTokenSigningAlgValues: signingAlgs(alg) as (typeof alg)[],
      userinfoSigningAlgValues: [alg],
      introspectionSigningAlgValues: [alg],
      authorizationSigningAlgValues: [alg],
      clientAuthSigningAlgValues: ["ES256", "ES384", "PS256", "RS256", "EdDSA"],
    },
    cookies: cookies(config),
    ttl: lifetimes(config),
    rotateRefreshToken: true,
    issueRefreshToken: async (_ctx, client, code) => client.grantTypeAllowed("refresh_token") && code.scopes.has("offline_access"),
    // offline_access outlives the session (sign-out, revoke, expiry) unless the client is set to end with it; then
    // oidc-provider also revokes the grant at sign-out
    expiresWithSession: async (ctx, code) =>
      !code.scopes.has("offline_access") ||
      (ctx.oidc.client as unknown as GatehouseClient | undefined)?.gatehouse_ends_with_session === true,
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}`, policy: interactionPolicyWith(deps.teams) },
    loadExistingGrant: guardedLoadExistingGrant(loadExistingGrant(deps.teams), guard),
    // `team`: the team (slug or id) the relying party wants tokens for
    extraParams: { team: (ctx: KoaContextWithOIDC, value: string | undefined) => deps.teams?.validateParam(ctx, value) },
    extraTokenClaims: (ctx, token) => guard.call("extraTokenClaims", () => tokenClaims.collect(ctx, token)),
    features: {
      devInteractions: { enabled: false },
      claimsParameter: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      backchannelLogout: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => {
          ctx.type = "html";
          ctx.body = await renderPage("pages/logout", {
            title: "Sign out",
            form,
            clientName: ctx.oidc.client?.clientName,
            locale: pageLocale(ctx),
          });
        },
        postLogoutSuccessSource: async (ctx) => {
          ctx.type = "html";
          ctx.body = await renderPage("pages/logged-out", {
            title: "Signed out",
            clientName: ctx.oidc.client?.clientName,
            locale: pageLocale(ctx),
          });
        },
      },
      resourceIndicators: resourceIndicators(config),
    },
    renderError: (ctx, out, error) => renderProviderError(ctx, renderPage, out, error),
    // oidc-provider passes a dispatcher that refuses special-use addresses (SSRF protection); dropping it is
    // an explicit operator choice for clients that live inside the network. It builds that dispatcher from the
    // newest undici loaded in the process, which is the undici package (imported here, and by federation's
    // outbound guard), not Node's own: so its requests go through that package's fetch, which takes its
    // dispatchers (Node's fetch refuses them: "invalid onRequest")
    fetch: (url, options) => {
      const { dispatcher, ...rest } = options as RequestInit & { dispatcher?: Dispatcher };
      const guarded = config.outboundAllowPrivate || !dispatcher ? rest : { ...rest, dispatcher };
      return undiciFetch(
        url as Parameters<typeof undiciFetch>[0],
        guarded as Parameters<typeof undiciFetch>[1],
      ) as unknown as Promise<Response>;
    },
  };
}
