// A minimal relying party for Gatehouse: node:http and openid-client, authorization code + PKCE, the ID token's
// claims and the userinfo profile shown on the home page, RP-initiated logout. Run it against a Gatehouse (see README.md):
//   ISSUER=http://localhost:3000 CLIENT_ID=... CLIENT_SECRET=... node examples/node-openid-client/app.mjs
// Sessions live in memory (a Map keyed by a random cookie): enough for an example, not for production.
import http from "node:http";
import { randomBytes } from "node:crypto";
import * as client from "openid-client";

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const page = (body) => `<!doctype html><meta charset="utf-8"><title>Example app</title>${body}`;

/** the example app as an http.Server (not yet listening); `baseUrl` is where it is reached */
export function createRelyingParty({ issuer, clientId, clientSecret, baseUrl }) {
  const sessions = new Map();
  let config;
  const configuration = async () =>
    (config ??= await client.discovery(
      new URL(issuer),
      clientId,
      clientSecret,
      undefined,
      new URL(issuer).protocol === "http:" ? { execute: [client.allowInsecureRequests] } : undefined,
    ));
  const sessionOf = (req) => {
    const id = /(?:^|;\s*)rp_session=([^;]+)/.exec(req.headers.cookie ?? "")?.[1];
    return id ? sessions.get(id) : undefined;
  };
  const newSession = (res, data) => {
    const id = randomBytes(32).toString("base64url");
    sessions.set(id, data);
    res.setHeader("set-cookie", `rp_session=${id}; HttpOnly; SameSite=Lax; Path=/`);
  };
  const redirect = (res, location) => {
    res.writeHead(302, { location }).end();
  };

  return http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url, baseUrl);
      if (url.pathname === "/login") {
        const verifier = client.randomPKCECodeVerifier();
        const state = client.randomState();
        const nonce = client.randomNonce();
        newSession(res, { verifier, state, nonce });
        return redirect(
          res,
          client.buildAuthorizationUrl(await configuration(), {
            redirect_uri: `${baseUrl}/callback`,
            scope: "openid profile email",
            state,
            nonce,
            code_challenge: await client.calculatePKCECodeChallenge(verifier),
            code_challenge_method: "S256",
          }).href,
        );
      }
      if (url.pathname === "/callback") {
        const pending = sessionOf(req);
        if (!pending?.verifier) return res.writeHead(400).end("no sign-in in progress");
        const tokens = await client.authorizationCodeGrant(await configuration(), url, {
          pkceCodeVerifier: pending.verifier,
          expectedState: pending.state,
          expectedNonce: pending.nonce,
          idTokenExpected: true,
        });
        // the ID token says who; the profile (email, name) comes from the userinfo endpoint
        const claims = tokens.claims();
        const profile = await client.fetchUserInfo(await configuration(), tokens.access_token, claims.sub);
        newSession(res, { claims: { ...profile, ...claims }, idToken: tokens.id_token });
        return redirect(res, "/");
      }
      if (url.pathname === "/logout") {
        const session = sessionOf(req);
        if (!session?.idToken) return redirect(res, "/");
        return redirect(
          res,
          client.buildEndSessionUrl(await configuration(), { id_token_hint: session.idToken, post_logout_redirect_uri: `${baseUrl}/` })
            .href,
        );
      }
      const claims = sessionOf(req)?.claims;
      res.setHeader("content-type", "text/html; charset=utf-8");
      res.end(
        page(
          claims
            ? `<p>Signed in as <b id="email">${escape(claims.email ?? claims.sub)}</b> (sub <code id="sub">${escape(claims.sub)}</code>).</p><p><a href="/logout">Sign out</a></p>`
            : `<p><a href="/login">Sign in with Gatehouse</a></p>`,
        ),
      );
    } catch (err) {
      res.writeHead(502, { "content-type": "text/plain" }).end(`sign-in failed: ${err.message}`);
    }
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const port = Number(process.env.PORT ?? 4000);
  const baseUrl = process.env.BASE_URL ?? `http://localhost:${port}`;
  const rp = createRelyingParty({
    issuer: process.env.ISSUER,
    clientId: process.env.CLIENT_ID,
    clientSecret: process.env.CLIENT_SECRET,
    baseUrl,
  });
  rp.listen(port, () => console.log(`example app at ${baseUrl}`));
}
