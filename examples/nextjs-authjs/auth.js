// Auth.js (next-auth v5) with Gatehouse as an OpenID Connect provider: authorization code with PKCE, state and
// nonce; the user's name, email, team and role (`roles` scope) come from Gatehouse's userinfo and live in Auth.js's
// encrypted JWT session cookie. The ID token is kept in that cookie only for RP-initiated logout and is never
// sent to the page.
// Configured from the environment at request time (the same build runs against any Gatehouse):
//   GATEHOUSE_ISSUER, GATEHOUSE_CLIENT_ID, GATEHOUSE_CLIENT_SECRET, AUTH_SECRET, AUTH_URL (see README.md).
import NextAuth from "next-auth";

/** the provider Auth.js talks to: Gatehouse's discovery document gives the endpoints */
function gatehouse(env) {
  return {
    id: "gatehouse",
    name: "Gatehouse",
    type: "oidc",
    issuer: env.GATEHOUSE_ISSUER,
    clientId: env.GATEHOUSE_CLIENT_ID,
    clientSecret: env.GATEHOUSE_CLIENT_SECRET,
    checks: ["pkce", "state", "nonce"],
    authorization: { params: { scope: "openid profile email roles" } },
    // Gatehouse's ID token carries sub, team and role; email and name are in userinfo. With idToken: false Auth.js
    // still checks the ID token (iss, aud, exp, nonce), then fetches userinfo (same sub) and hands it to profile()
    idToken: false,
    profile: (claims) => ({
      id: claims.sub,
      name: claims.name ?? claims.preferred_username ?? null,
      email: claims.email ?? null,
      team: claims.team ?? null,
      role: claims.role ?? null,
    }),
  };
}

export const { handlers, auth, signIn, signOut } = NextAuth(() => ({
  providers: [gatehouse(process.env)],
  session: { strategy: "jwt" },
  callbacks: {
    // at sign-in `user` is what profile() returned and `account` holds the tokens; later calls get the token back
    jwt({ token, user, account }) {
      if (account) {
        token.sub = account.providerAccountId;
        token.team = user.team;
        token.role = user.role;
        token.idToken = account.id_token; // for id_token_hint at sign-out; not copied into the session below
      }
      return token;
    },
    // what auth() and /api/auth/session return: no tokens
    session({ session, token }) {
      session.user.id = token.sub;
      session.user.team = token.team ?? null;
      session.user.role = token.role ?? null;
      return session;
    },
  },
}));
