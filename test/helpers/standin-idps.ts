// Protocol stand-ins on loopback (port 0) for the federation tests (#17), real HTTP servers:
// - a GitHub-shaped OAuth 2.0 provider (authorize, token, /user, /user/emails): it checks the client's secret and
//   the PKCE verifier like GitHub does, and answers JSON as GitHub does when asked for it;
// - a rogue OpenID Connect provider whose token endpoint answers the ID token a test chooses (signed by another
//   key, alg none, expired, another nonce, another issuer), or never answers (slow), or a good one.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createHash, randomBytes } from "node:crypto";
import { exportJWK, generateKeyPair, SignJWT, type JWK } from "jose";

async function listen(handler: http.RequestListener): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
const json = (res: http.ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
};
async function form(req: http.IncomingMessage): Promise<URLSearchParams> {
  let body = "";
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}
const s256 = (verifier: string) => createHash("sha256").update(verifier).digest("base64url");

export type GitHubUser = {
  id: number;
  login: string;
  name: string | null;
  email: string | null;
  emails: { email: string; primary: boolean; verified: boolean }[];
};

export async function startGitHubStandIn(opts: { clientId: string; clientSecret: string; user: GitHubUser }) {
  const codes = new Map<string, { challenge: string; redirectUri: string }>();
  const tokens = new Set<string>();
  const self = { user: opts.user, url: "", close: async () => {} };
  const server = await listen(async (req, res) => {
    const url = new URL(req.url!, "http://x");
    if (url.pathname === "/login/oauth/authorize") {
      if (url.searchParams.get("client_id") !== opts.clientId || url.searchParams.get("code_challenge_method") !== "S256")
        return json(res, 400, { error: "bad_request" });
      const code = randomBytes(10).toString("hex");
      codes.set(code, { challenge: url.searchParams.get("code_challenge")!, redirectUri: url.searchParams.get("redirect_uri")! });
      const back = new URL(url.searchParams.get("redirect_uri")!);
      back.searchParams.set("code", code);
      back.searchParams.set("state", url.searchParams.get("state")!);
      res.writeHead(302, { location: back.href });
      return res.end();
    }
    if (url.pathname === "/login/oauth/access_token" && req.method === "POST") {
      const p = await form(req);
      const grant = codes.get(p.get("code") ?? "");
      codes.delete(p.get("code") ?? "");
      if (
        !grant ||
        p.get("client_secret") !== opts.clientSecret ||
        p.get("client_id") !== opts.clientId ||
        s256(p.get("code_verifier") ?? "") !== grant.challenge ||
        p.get("redirect_uri") !== grant.redirectUri
      ) {
        return json(res, 400, { error: "bad_verification_code" });
      }
      const token = `gho_${randomBytes(16).toString("hex")}`;
      tokens.add(token);
      return json(res, 200, { access_token: token, token_type: "bearer", scope: "read:user,user:email" });
    }
    const bearer = (req.headers.authorization ?? "").replace(/^Bearer /i, "");
    if (!tokens.has(bearer)) return json(res, 401, { message: "Bad credentials" });
    const { emails, ...user } = self.user;
    if (url.pathname === "/user") return json(res, 200, user);
    if (url.pathname === "/user/emails") return json(res, 200, emails);
    return json(res, 404, { message: "Not Found" });
  });
  self.url = server.url;
  self.close = server.close;
  return self;
}

export type RogueMode = "good" | "other_key" | "alg_none" | "expired" | "wrong_nonce" | "wrong_iss" | "slow";

export async function startRogueIdp(opts: { clientId: string; clientSecret: string; sub: string; email: string }) {
  const good = await generateKeyPair("RS256");
  const other = await generateKeyPair("RS256");
  const jwk: JWK = { ...(await exportJWK(good.publicKey)), kid: "good", alg: "RS256", use: "sig" };
  const nonces = new Map<string, string>();
  const self = { mode: "good" as RogueMode, url: "", close: async () => {} };
  const server = await listen(async (req, res) => {
    const url = new URL(req.url!, "http://x");
    const issuer = self.url;
    if (url.pathname === "/.well-known/openid-configuration") {
      return json(res, 200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ["code"],
        subject_types_supported: ["public"],
        id_token_signing_alg_values_supported: ["RS256"],
        code_challenge_methods_supported: ["S256"],
        token_endpoint_auth_methods_supported: ["client_secret_post"],
      });
    }
    if (url.pathname === "/jwks") return json(res, 200, { keys: [jwk] });
    if (url.pathname === "/authorize") {
      const code = randomBytes(10).toString("hex");
      nonces.set(code, url.searchParams.get("nonce") ?? "");
      const back = new URL(url.searchParams.get("redirect_uri")!);
      back.searchParams.set("code", code);
      back.searchParams.set("state", url.searchParams.get("state")!);
      res.writeHead(302, { location: back.href });
      return res.end();
    }
    if (url.pathname === "/token" && req.method === "POST") {
      const p = await form(req);
      if (self.mode === "slow") return; // never answers: the client's timeout must end the wait
      const nonce = nonces.get(p.get("code") ?? "") ?? "";
      const now = Math.floor(Date.now() / 1000);
      const claims = {
        sub: opts.sub,
        email: opts.email,
        email_verified: true,
        nonce: self.mode === "wrong_nonce" ? "not-the-nonce" : nonce,
      };
      const times = self.mode === "expired" ? { iat: now - 7200, exp: now - 3600 } : { iat: now, exp: now + 300 };
      let idToken: string;
      if (self.mode === "alg_none") {
        const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
        idToken = `${enc({ alg: "none", typ: "JWT" })}.${enc({ ...claims, ...times, iss: issuer, aud: opts.clientId })}.`;
      } else {
        idToken = await new SignJWT({ ...claims, ...times })
          .setProtectedHeader({ alg: "RS256", kid: "good" })
          .setIssuer(self.mode === "wrong_iss" ? "https://other-issuer.example.test" : issuer)
          .setAudience(opts.clientId)
          .sign(self.mode === "other_key" ? other.privateKey : good.privateKey);
      }
      return json(res, 200, { access_token: randomBytes(16).toString("hex"), token_type: "Bearer", expires_in: 300, id_token: idToken });
    }
    return json(res, 404, { error: "not_found" });
  });
  self.url = server.url;
  self.close = server.close;
  return self;
}
