// A relying party for Gatehouse with Express and openid-client: authorization code + PKCE, a server-side session
// (express-session), a profile page with the user's team and role (ID token, `roles` scope) and permissions (the
// JWT access token for your API), and RP-initiated logout. Run it against a Gatehouse (see README.md):
//   ISSUER=http://localhost:3000 CLIENT_ID=... CLIENT_SECRET=... RESOURCE=https://api.example.com \
//     SESSION_SECRET=... node examples/express-openid-client/app.mjs
// express-session's default MemoryStore is for examples only: use a real session store in your app.
import { pathToFileURL } from "node:url";
import express from "express";
import session from "express-session";
import * as client from "openid-client";

const escape = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const page = (body) => `<!doctype html><html lang="en"><meta charset="utf-8"><title>Example Express app</title><body>${body}</body></html>`;

/** the claims of a JWT, for display only: the API it is meant for verifies it (examples/protected-api) */
function jwtClaims(token) {
  const parts = String(token ?? "").split(".");
  if (parts.length !== 3) return {}; // an opaque token (no RESOURCE asked): nothing to show
  try {
    return JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"));
  } catch {
    return {};
  }
}

/** the Express app; `baseUrl` is where the browser reaches it; `resource` asks a JWT access token for that API */
export function createExpressApp({ issuer, clientId, clientSecret, baseUrl, sessionSecret, resource }) {
  const insecure = new URL(issuer).protocol === "http:"; // a local Gatehouse (npm start) speaks plain HTTP
  let config;
  const configuration = async () =>
    (config ??= await client.discovery(
      new URL(issuer),
      clientId,
      clientSecret,
      undefined,
      insecure ? { execute: [client.allowInsecureRequests] } : undefined,
    ));
  const app = express();
  app.disable("x-powered-by");
  app.use(
    session({
      name: "rp_session",
      secret: sessionSecret,
      resave: false,
      saveUninitialized: false,
      cookie: { httpOnly: true, sameSite: "lax", secure: baseUrl.startsWith("https:") },
    }),
  );
  signInRoutes(app, { configuration, baseUrl, resource });
  pageRoutes(app);
  app.post("/logout", async (req, res, next) => {
    try {
      const idToken = req.session.idToken;
      const cfg = idToken ? await configuration() : undefined;
      req.session.destroy((err) => {
        if (err) return next(err);
        res.clearCookie("rp_session");
        if (!idToken) return res.redirect("/");
        res.redirect(client.buildEndSessionUrl(cfg, { id_token_hint: idToken, post_logout_redirect_uri: `${baseUrl}/` }).href);
      });
    } catch (err) {
      next(err);
    }
  });
  // no stack traces to the browser
  app.use((err, _req, res, _next) => {
    console.error("example app:", err.message);
    res.status(502).type("text").send("Gatehouse could not be reached; try again shortly.");
  });
  return app;
}

/** the home and profile pages */
function pageRoutes(app) {
  app.get("/", (req, res) => {
    const user = req.session.user;
    res
      .type("html")
      .send(
        page(
          user
            ? `<p>Signed in as <b id="email">${escape(user.email ?? user.sub)}</b>. <a href="/profile">Profile</a></p><form method="post" action="/logout"><button>Sign out</button></form>`
            : `<p><a href="/login">Sign in with Gatehouse</a></p>`,
        ),
      );
  });

  app.get("/profile", (req, res) => {
    const user = req.session.user;
    if (!user) return res.redirect("/login");
    const permissions = user.permissions.map((p) => `<li>${escape(p)}</li>`).join("");
    res.type("html").send(
      page(`<h1>${escape(user.name ?? user.email ?? user.sub)}</h1><dl>
<dt>Email</dt><dd id="email">${escape(user.email)}</dd><dt>Subject</dt><dd id="sub">${escape(user.sub)}</dd>
<dt>Team</dt><dd id="team">${user.team ? `${escape(user.team.name ?? user.team.slug)} (<code>${escape(user.team.slug)}</code>)` : "none"}</dd>
<dt>Role</dt><dd id="role">${escape(user.role ?? "none")}</dd></dl>
<h2>Permissions</h2><ul id="permissions">${permissions}</ul>
<form method="post" action="/logout"><button>Sign out</button></form>`),
    );
  });
}

/** /login sends the browser to Gatehouse; /callback takes the code back, checks it and starts the session */
function signInRoutes(app, { configuration, baseUrl, resource }) {
  app.get("/login", async (req, res, next) => {
    try {
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const nonce = client.randomNonce();
      req.session.pending = { verifier, state, nonce };
      const url = client.buildAuthorizationUrl(await configuration(), {
        redirect_uri: `${baseUrl}/callback`,
        scope: "openid profile email roles",
        state,
        nonce,
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: "S256",
        ...(resource ? { resource } : {}),
      });
      req.session.save((err) => (err ? next(err) : res.redirect(url.href)));
    } catch (err) {
      next(err);
    }
  });

  app.get("/callback", async (req, res, next) => {
    const pending = req.session.pending;
    if (!pending) return res.status(400).type("text").send("No sign-in in progress: start again at /login.");
    delete req.session.pending; // single use, whatever happens next
    try {
      const cfg = await configuration();
      const tokens = await client.authorizationCodeGrant(cfg, new URL(req.originalUrl, baseUrl), {
        pkceCodeVerifier: pending.verifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      // with RESOURCE the access token is for that API, so the profile comes from the ID token alone
      const profile = resource ? {} : await client.fetchUserInfo(cfg, tokens.access_token, claims.sub);
      const access = jwtClaims(tokens.access_token);
      const user = { ...profile, ...claims, permissions: Array.isArray(access.permissions) ? access.permissions : [] };
      // a new session id after sign-in (no session fixation)
      req.session.regenerate((err) => {
        if (err) return next(err);
        req.session.user = user;
        req.session.idToken = tokens.id_token;
        req.session.save((e) => (e ? next(e) : res.redirect("/profile")));
      });
    } catch (err) {
      res.status(400).type("text").send(`Sign-in failed: ${err.message}`);
    }
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { ISSUER, CLIENT_ID, CLIENT_SECRET, SESSION_SECRET, RESOURCE, PORT = "4000" } = process.env;
  if (!ISSUER || !CLIENT_ID || !CLIENT_SECRET || !SESSION_SECRET) {
    console.error("set ISSUER, CLIENT_ID, CLIENT_SECRET and SESSION_SECRET (and RESOURCE for permissions)");
    process.exit(1);
  }
  const baseUrl = process.env.BASE_URL ?? `http://localhost:${PORT}`;
  createExpressApp({
    issuer: ISSUER,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    baseUrl,
    sessionSecret: SESSION_SECRET,
    resource: RESOURCE,
  }).listen(Number(PORT), () => console.log(`example Express app at ${baseUrl}`));
}
