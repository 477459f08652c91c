"use server";
// The page's two buttons. Server actions are forms that work without JavaScript, and Next.js refuses them from
// another origin (its CSRF check), so they need no token of their own.
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { getToken } from "next-auth/jwt";
import { signIn, signOut } from "../auth.js";

/** to Gatehouse's authorization endpoint (Auth.js sets the PKCE, state and nonce cookies first), back to / */
export async function signInWithGatehouse() {
  await signIn("gatehouse", { redirectTo: "/" });
}

let discovery;
/** Gatehouse's end_session_endpoint, from its discovery document (fetched once) */
async function endSessionEndpoint(issuer) {
  discovery ??= fetch(new URL(".well-known/openid-configuration", `${issuer.replace(/\/$/, "")}/`))
    .then((res) => (res.ok ? res.json() : Promise.reject(new Error(`discovery: ${res.status}`))))
    .catch((err) => {
      discovery = undefined;
      throw err;
    });
  return (await discovery).end_session_endpoint;
}

/** ends the Auth.js session, then Gatehouse's (RP-initiated logout), which sends the browser back to / */
export async function signOutOfGatehouse() {
  const appUrl = new URL(process.env.AUTH_URL);
  // the ID token sits in the encrypted session cookie (auth.js keeps it out of the session object)
  const token = await getToken({
    req: { headers: await headers() },
    secret: process.env.AUTH_SECRET,
    secureCookie: appUrl.protocol === "https:",
  });
  await signOut({ redirect: false });
  if (!token?.idToken) redirect("/");
  const endSession = new URL(await endSessionEndpoint(process.env.GATEHOUSE_ISSUER));
  endSession.search = new URLSearchParams({
    id_token_hint: token.idToken,
    post_logout_redirect_uri: `${appUrl.origin}/`,
    client_id: process.env.GATEHOUSE_CLIENT_ID,
  }).toString();
  redirect(endSession.href);
}
