// A bare oidc-provider for the benchmark's baseline (its own process, run by bench/lib/bare-server.ts): production
// settings, an ES256 key made at start, PKCE required, the bench's Redis through a plain adapter, and minimal
// login (one argon2id verify against the seeded users, loaded from the bench database at start) and consent pages
// with Gatehouse's paths and field names, so the bench's page walker signs in unchanged. Like Gatehouse it serves
// the bench's service client (client_credentials for the bench resource: an ES256 JWT access token), userinfo and
// introspection, so the token endpoints compare too. GET /__counters gives the Redis commands sent so far.
// BENCH_BARE_FEATURES (comma-separated) gives it some of Gatehouse's own per-request features, Gatehouse's very
// middleware around the provider, to see what each costs: "log" (request id and the access-log line,
// http/request-context.ts), "headers" (the security headers, http/security-headers.ts: the API set on the endpoints
// Gatehouse serves in its provider lane, http/lane-endpoints.ts, the document set on pages).
import http from "node:http";
import { randomBytes } from "node:crypto";
import argon2 from "argon2";
import { Redis } from "ioredis";
import { exportJWK, generateKeyPair } from "jose";
import Provider, { type Configuration } from "oidc-provider";
import pg from "pg";
import { bareRedisAdapter } from "./bare-redis-adapter.ts";
import { createAccessLogger, createLogger } from "../../src/lib/logger.ts";
import { requestContext } from "../../src/http/request-context.ts";
import { machineSecurityHeaders, securityHeaders } from "../../src/http/security-headers.ts";
import { laneEndpoint } from "../../src/http/lane-endpoints.ts";

const env = (name: string) =>
  process.env[name] ??
  (() => {
    throw new Error(`${name} is required`);
  })();
const port = Number(env("PORT"));
const issuer = env("ISSUER");
const argonOptions = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

// the seeded users: email -> id and argon2id hash, and id -> email
const users = new Map<string, { id: string; hash: string }>();
const emails = new Map<string, string>();
const db = new pg.Client({ connectionString: env("DATABASE_URL") });
await db.connect();
for (const row of (
  await db.query<{ id: string; email: string; hash: string }>(
    "SELECT id, email_normalized AS email, password_hash AS hash FROM users WHERE password_hash IS NOT NULL",
  )
).rows) {
  users.set(row.email, { id: row.id, hash: row.hash });
  emails.set(row.id, row.email);
}
await db.end();
const unknownUserHash = await argon2.hash(randomBytes(16).toString("hex"), argonOptions); // an unknown email costs one verify too

let redisCommands = 0;
const redis = new Redis(env("REDIS_URL"), { keyPrefix: env("REDIS_KEY_PREFIX"), enableAutoPipelining: true, lazyConnect: true });
const send = redis.sendCommand;
redis.sendCommand = function (this: Redis, ...args: unknown[]) {
  redisCommands++;
  return (send as (...a: unknown[]) => unknown).apply(this, args);
} as typeof redis.sendCommand;
await redis.connect();

const { privateKey } = await generateKeyPair("ES256", { extractable: true });
const configuration: Configuration = {
  adapter: bareRedisAdapter(redis),
  clients: [
    {
      client_id: env("CLIENT_ID"),
      client_secret: env("CLIENT_SECRET"),
      redirect_uris: [env("REDIRECT_URI")],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
    },
    {
      client_id: env("MACHINE_CLIENT_ID"),
      client_secret: env("MACHINE_CLIENT_SECRET"),
      redirect_uris: [],
      grant_types: ["client_credentials"],
      response_types: [],
      token_endpoint_auth_method: "client_secret_basic",
    },
  ],
  clientDefaults: { id_token_signed_response_alg: "ES256" },
  jwks: { keys: [{ ...(await exportJWK(privateKey)), alg: "ES256", use: "sig", kid: randomBytes(8).toString("hex") }] },
  cookies: { keys: [randomBytes(32).toString("base64url")] },
  findAccount: async (_ctx, id) => {
    const email = emails.get(id);
    return email ? { accountId: id, claims: async () => ({ sub: id, email, email_verified: true }) } : undefined;
  },
  claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
  scopes: ["openid", "offline_access", "profile", "email"],
  pkce: { required: () => true },
  responseTypes: ["code"],
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    userinfo: { enabled: true },
    // the bench resource gets ES256 JWT access tokens, as at Gatehouse; without a resource, opaque ones for userinfo
    resourceIndicators: {
      enabled: true,
      defaultResource: () => undefined,
      useGrantedResource: () => false,
      getResourceServerInfo: (_ctx, resource) => {
        if (resource !== env("RESOURCE")) throw new Error("unknown resource");
        return { scope: "", audience: resource, accessTokenTTL: 900, accessTokenFormat: "jwt", jwt: { sign: { alg: "ES256" } } };
      },
    },
  },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  ttl: {
    AccessToken: 900,
    AuthorizationCode: 60,
    IdToken: 3600,
    RefreshToken: 14 * 86400,
    Interaction: 3600,
    Session: 86400,
    Grant: 14 * 86400,
  },
  rotateRefreshToken: true,
};
const provider = new Provider(issuer, configuration);
provider.proxy = true; // behind the same pretend TLS proxy as Gatehouse (X-Forwarded-Proto)
provider.on("server_error", (_ctx, err) => console.error("bare provider:", err));

const page = (title: string, body: string) =>
  `<!doctype html><html><head><title>${title}</title></head><body><h1>${title}</h1>${body}</body></html>`;
const loginForm = (uid: string, error = "") =>
  page(
    "Sign in",
    `${error ? `<p>${error}</p>` : ""}<form method="post" action="/interaction/${uid}/login"><input name="identifier" type="email"><input name="password" type="password"><button>Sign in</button></form>`,
  );
const consentForm = (uid: string, client: string) =>
  page(
    "Allow access",
    `<p>${client} asks for access.</p><form method="post" action="/interaction/${uid}/confirm"><button>Allow</button></form>`,
  );

async function formBody(req: http.IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

const features = new Set((process.env.BENCH_BARE_FEATURES ?? "").split(",").filter(Boolean));
if (features.has("log")) provider.use(requestContext(createLogger("info"), createAccessLogger("info")));
if (features.has("headers")) {
  // what Gatehouse sends: the API set on the endpoints of its provider lane, helmet's document set on the rest
  const pages = securityHeaders({ production: true });
  const machine = machineSecurityHeaders({ production: true });
  provider.use((ctx, next) => {
    if (!laneEndpoint(ctx.method, ctx.path)) return pages(ctx, next);
    for (const [name, value] of machine) ctx.res.setHeader(name, value);
    return next();
  });
}

provider.use(async (ctx, next) => {
  if (ctx.path === "/__counters") {
    ctx.body = { redisCommands };
    return;
  }
  const match = /^\/interaction\/([\w-]+)(?:\/(login|confirm))?$/.exec(ctx.path);
  if (!match) return next();
  const [, uid, action] = match as unknown as [string, string, string | undefined];
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  ctx.type = "html";
  if (ctx.method === "GET" && !action) {
    ctx.body = details.prompt.name === "login" ? loginForm(uid) : consentForm(uid, String(details.params.client_id));
  } else if (ctx.method === "POST" && action === "login" && details.prompt.name === "login") {
    const form = await formBody(ctx.req);
    const user = users.get((form.get("identifier") ?? "").trim().toLowerCase());
    const ok = await argon2.verify(user?.hash ?? unknownUserHash, form.get("password") ?? "");
    if (!ok || !user) {
      ctx.status = 401;
      ctx.body = loginForm(uid, "Invalid email or password");
      return;
    }
    await provider.interactionFinished(ctx.req, ctx.res, { login: { accountId: user.id } }, { mergeWithLastSubmission: false });
  } else if (ctx.method === "POST" && action === "confirm" && details.prompt.name === "consent") {
    await formBody(ctx.req);
    const { session, params, grantId } = details;
    const grant = grantId
      ? (await provider.Grant.find(grantId))!
      : new provider.Grant({ accountId: session!.accountId, clientId: String(params.client_id) });
    grant.addOIDCScope(`openid ${String(params.scope ?? "")}`.trim());
    await provider.interactionFinished(ctx.req, ctx.res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
  } else {
    ctx.status = 400;
    ctx.body = page("Bad request", "");
  }
});

const server = http.createServer(provider.callback()).listen(port, "127.0.0.1");
process.once("SIGTERM", () => {
  server.close();
  redis.disconnect();
  setTimeout(() => process.exit(0), 200).unref();
});
