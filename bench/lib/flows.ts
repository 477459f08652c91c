// Browser-style flows for the benchmark, through the real pages: authorize -> login [-> TOTP code] -> consent ->
// code exchange with PKCE, with the ID token verified; and a rejected login.
import { createHash, randomBytes } from "node:crypto";
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from "jose";
import { TestBrowser } from "../../test/helpers/browser.ts";
import { signInThroughPages } from "../../test/helpers/oidc-flow.ts";
import { generate } from "otplib";
import { BENCH_PASSWORD, BENCH_REDIRECT, type Seeded } from "./seed.ts";

export type FlowContext = {
  baseUrl: string;
  issuer: string;
  seeded: Seeded;
  jwks: ReturnType<typeof createLocalJWKSet>;
  /** an opaque access token of one sign-in at this server, for the userinfo and introspection scenarios */
  accessToken?: string;
};

export async function flowContext(baseUrl: string, issuer: string, seeded: Seeded): Promise<FlowContext> {
  const res = await fetch(`${baseUrl}/jwks`, { headers: { "x-forwarded-proto": "https" } });
  return { baseUrl, issuer, seeded, jwks: createLocalJWKSet((await res.json()) as JSONWebKeySet) };
}

const b64 = (n: number) => randomBytes(n).toString("base64url");
const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString("base64")}`;
const pickUser = (ctx: FlowContext) => ctx.seeded.users[Math.floor(Math.random() * ctx.seeded.users.length)]!;

function authorizationUrl(ctx: FlowContext, extra: Record<string, string> = {}) {
  const verifier = b64(32);
  const params = new URLSearchParams({
    client_id: ctx.seeded.webClient.id,
    redirect_uri: BENCH_REDIRECT,
    response_type: "code",
    scope: "openid profile email offline_access",
    prompt: "consent",
    code_challenge: createHash("sha256").update(verifier).digest("base64url"),
    code_challenge_method: "S256",
    state: b64(12),
    nonce: b64(12),
    ...extra,
  });
  return { url: `${ctx.issuer}/auth?${params}`, verifier, state: params.get("state")!, nonce: params.get("nonce")! };
}

export type Tokens = { access_token: string; refresh_token?: string; id_token: string };

/** one complete sign-in; throws unless every step and the ID token check pass */
export async function loginFlow(ctx: FlowContext): Promise<Tokens> {
  const user = pickUser(ctx);
  const browser = new TestBrowser(ctx.issuer, "Mozilla/5.0 GatehouseBench/1.0", true);
  const auth = authorizationUrl(ctx);
  const { callback, pages } = await signInThroughPages(browser, auth.url, BENCH_REDIRECT, {
    identifier: user.email,
    password: BENCH_PASSWORD,
  });
  if (!pages.some((p) => p.html.includes("/confirm"))) throw new Error("consent page not shown");
  return exchange(ctx, auth, callback);
}

let nextTotpUser = 0;

/** password, then a TOTP code on the code page, consent, code exchange; each user at most once per step */
export async function totpLoginFlow(ctx: FlowContext): Promise<Tokens> {
  const user = ctx.seeded.totpUsers[nextTotpUser++ % ctx.seeded.totpUsers.length]!;
  const browser = new TestBrowser(ctx.issuer, "Mozilla/5.0 GatehouseBench/1.0", true);
  const auth = authorizationUrl(ctx);
  const login = await browser.go(auth.url, { stopAt: BENCH_REDIRECT });
  const codePage = await browser.submit(login, "/login", { identifier: user.email, password: BENCH_PASSWORD }, { stopAt: BENCH_REDIRECT });
  if (!codePage.html.includes("/totp")) throw new Error(`expected the code page, got ${codePage.status}`);
  const consent = await browser.submit(codePage, "/totp", { code: await generate({ secret: user.secret }) }, { stopAt: BENCH_REDIRECT });
  if (!consent.html.includes("/confirm")) throw new Error(`expected the consent page after the code, got ${consent.status}`);
  const done = await browser.submit(consent, "/confirm", {}, { stopAt: BENCH_REDIRECT });
  if (!done.url.startsWith(BENCH_REDIRECT)) throw new Error(`expected the callback, got ${done.status} ${done.url}`);
  return exchange(ctx, auth, done.url);
}

let nextPasskeyUser = 0;

/** a passkey as the only factor (the "Sign in with a passkey" button): options, assertion, consent, code exchange */
export async function passkeyLoginFlow(ctx: FlowContext): Promise<Tokens> {
  const user = ctx.seeded.passkeyUsers[nextPasskeyUser++ % ctx.seeded.passkeyUsers.length]!;
  const browser = new TestBrowser(ctx.issuer, "Mozilla/5.0 GatehouseBench/1.0", true);
  const auth = authorizationUrl(ctx);
  const login = await browser.go(auth.url, { stopAt: BENCH_REDIRECT });
  const uid = /\/interaction\/([\w-]+)/.exec(login.url)?.[1];
  const csrf = /name="_csrf" value="([^"]+)"/.exec(login.html)?.[1];
  if (!uid || !csrf) throw new Error(`expected the sign-in page, got ${login.status} ${login.url}`);
  const res = await browser.request(`${ctx.issuer}/interaction/${uid}/passkey/options`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json", origin: ctx.issuer },
    body: JSON.stringify({ _csrf: csrf, factor: "first" }),
  });
  if (res.status !== 200) throw new Error(`passkey options ${res.status}`);
  const options = (await res.json()) as { challenge: string };
  const answer = user.key.get(options, { origin: ctx.issuer, rpId: new URL(ctx.issuer).hostname });
  const consent = await browser.submit(login, "/passkey", { response: JSON.stringify(answer) }, { stopAt: BENCH_REDIRECT });
  if (!consent.html.includes("/confirm")) throw new Error(`expected the consent page after the passkey, got ${consent.status}`);
  const done = await browser.submit(consent, "/confirm", {}, { stopAt: BENCH_REDIRECT });
  if (!done.url.startsWith(BENCH_REDIRECT)) throw new Error(`expected the callback, got ${done.status} ${done.url}`);
  return exchange(ctx, auth, done.url);
}

async function exchange(ctx: FlowContext, auth: ReturnType<typeof authorizationUrl>, callback: string): Promise<Tokens> {
  const params = new URL(callback).searchParams;
  if (params.get("state") !== auth.state || params.get("iss") !== ctx.issuer) throw new Error("callback state or iss mismatch");
  const res = await fetch(`${ctx.baseUrl}/token`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-forwarded-proto": "https",
      authorization: basic(ctx.seeded.webClient.id, ctx.seeded.webClient.secret),
    },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code: params.get("code")!,
      redirect_uri: BENCH_REDIRECT,
      code_verifier: auth.verifier,
    }),
  });
  if (res.status !== 200) throw new Error(`token endpoint ${res.status}: ${(await res.text()).slice(0, 200)}`);
  const tokens = (await res.json()) as Tokens;
  const { payload } = await jwtVerify(tokens.id_token, ctx.jwks, {
    issuer: ctx.issuer,
    audience: ctx.seeded.webClient.id,
    algorithms: ["ES256"],
  });
  if (payload.nonce !== auth.nonce || !payload.sub) throw new Error("ID token nonce or sub wrong");
  return tokens;
}

/** a wrong password: the generic error page, nothing else */
export async function rejectedLoginFlow(ctx: FlowContext): Promise<void> {
  const user = pickUser(ctx);
  const browser = new TestBrowser(ctx.issuer, "Mozilla/5.0 GatehouseBench/1.0", true);
  const page = await browser.go(authorizationUrl(ctx).url, { stopAt: BENCH_REDIRECT });
  const after = await browser.submit(
    page,
    "/login",
    { identifier: user.email, password: `${BENCH_PASSWORD} wrong` },
    { stopAt: BENCH_REDIRECT },
  );
  if (after.status !== 401 || !after.html.includes("Invalid email or password"))
    throw new Error(`expected the generic 401, got ${after.status}`);
}

export { basic };
