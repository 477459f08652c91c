// Cookie flags and lifetimes as configured for production (the test servers run plain HTTP, so this is where
// __Host- and Secure are checked).
import { describe, it, expect } from "vitest";
import { randomBytes } from "node:crypto";
import { loadConfig } from "../../src/config/load.ts";
import { providerConfiguration } from "../../src/oidc/configuration.ts";
import { createTokenClaims } from "../../src/oidc/token-claims.ts";
import type { AccountService } from "../../src/services/accounts.ts";

const production = loadConfig({
  NODE_ENV: "production",
  ISSUER: "https://id.example.test",
  DATABASE_URL: "postgresql://db/x",
  REDIS_URL: "redis://cache",
  SMTP_URL: "smtp://mail.example.test",
  COOKIE_KEYS: "k".repeat(32),
  MASTER_KEY: randomBytes(32).toString("base64"),
  CLIENT_CREDENTIALS_TTL: "300",
});

const configure = (config = production) =>
  providerConfiguration({
    config,
    accounts: {} as AccountService,
    renderPage: async () => "",
    tokenClaims: createTokenClaims(),
    adapter: class {} as never,
    jwks: [],
  });

describe("provider configuration", () => {
  it("in production the session cookie is __Host-, and every cookie is Secure, HttpOnly, SameSite=Lax and signed", () => {
    const { cookies } = configure();
    expect(cookies!.names!.session).toBe("__Host-gh.session");
    for (const kind of [cookies!.long!, cookies!.short!])
      expect(kind).toMatchObject({ secure: true, httpOnly: true, sameSite: "lax", signed: true });
  });

  it("uses the configured lifetimes, CLIENT_CREDENTIALS_TTL included; a resource's own lifetime only shortens them", () => {
    const { ttl } = configure();
    type Lifetime = (ctx: unknown, token: { resourceServer?: { accessTokenTTL?: number } }) => number;
    const [clientCredentials, accessToken] = [ttl!.ClientCredentials as unknown as Lifetime, ttl!.AccessToken as unknown as Lifetime];
    expect(clientCredentials(undefined, {})).toBe(300);
    expect(accessToken(undefined, {})).toBe(production.tokens.accessTokenTtl);
    expect(accessToken(undefined, { resourceServer: {} })).toBe(production.tokens.accessTokenTtl);
    expect(accessToken(undefined, { resourceServer: { accessTokenTTL: 120 } })).toBe(120);
    expect(clientCredentials(undefined, { resourceServer: { accessTokenTTL: 120 } })).toBe(120);
    expect(clientCredentials(undefined, { resourceServer: { accessTokenTTL: 600 } })).toBe(300);
    expect(ttl!.AuthorizationCode).toBe(60);
  });

  it("offers only the code flow with PKCE, and no symmetric client authentication", () => {
    const c = configure();
    expect(c.responseTypes).toEqual(["code"]);
    expect(c.clientAuthMethods).not.toContain("client_secret_jwt");
    expect(c.features!.devInteractions!.enabled).toBe(false);
  });
});
