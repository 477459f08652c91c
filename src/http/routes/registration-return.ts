// A registration that began at a relying party's sign-in resumes that app's authorization request once the address
// is verified, so the new user ends in the app, signed in, and not on Gatehouse's /login. What is carried is the
// authorization request's parameters, read on the server from the interaction (never from the browser), kept
// sealed with the pending account (services/registration.ts keepReturn); the only place they lead is our own
// authorization endpoint, where oidc-provider checks them all again (the client, its registered redirect_uri,
// PKCE): never an open redirect. A resend asked from an unverified sign-in carries the return only with the proof
// the sign-in page put in its form (an HMAC of the interaction and the account's address, shown once the right
// password was given), so nobody can send someone else's new link into their own authorization request.
import type { AppContext } from "../web-context.ts";
import { ACCOUNT_CLIENT_ID } from "../../oidc/configuration.ts";
import { constantTimeEqual, keyedDigest } from "../../lib/crypto.ts";
import { normalizeEmail } from "../../services/identifiers.ts";

const SIGN_IN_PATH = /^\/interaction\/([\w-]{1,64})$/;
/** parameters that cannot be replayed (a pushed request is single use) or are not the request's own */
const NOT_CARRIED = new Set(["request_uri", "request"]);
const MAX_CARRIED = 8_000;

/** our authorization endpoint with an interaction's request parameters (strings only, none that cannot be replayed) and `extra` */
export function authorizationRequestUrl(params: Record<string, unknown>, extra: Record<string, string> = {}): string {
  const carried: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) if (typeof value === "string" && !NOT_CARRIED.has(name)) carried[name] = value;
  return `/auth?${new URLSearchParams({ ...carried, ...extra }).toString()}`;
}

export function createRegistrationReturn(app: AppContext) {
  const proofOf = (uid: string, email: string) =>
    keyedDigest(app.config.secrets.masterKey, "registration return v1", `${uid}|${normalizeEmail(email)}`);
  return {
    /** what the unverified sign-in's resend form carries: this interaction may be resumed for this address */
    proofFor: (signInPath: string, email: string): string => proofOf(SIGN_IN_PATH.exec(signInPath)?.[1] ?? "", email),

    /** the proof matches the sign-in path and the address the resend names */
    proves(signInPath: string | undefined, email: string, proof: unknown): boolean {
      const uid = signInPath ? SIGN_IN_PATH.exec(signInPath)?.[1] : undefined;
      return Boolean(uid) && typeof proof === "string" && constantTimeEqual(proof, proofOf(uid!, email));
    },

    /** the app's authorization request behind a sign-in path (/interaction/<uid>); undefined for Gatehouse's own sign-in, or one that is gone */
    async paramsOf(signInPath: string | undefined): Promise<Record<string, string> | undefined> {
      const uid = signInPath ? SIGN_IN_PATH.exec(signInPath)?.[1] : undefined;
      if (!uid) return undefined;
      const interaction = await app.oidc.provider.Interaction.find(uid);
      const params = (interaction?.params ?? {}) as Record<string, unknown>;
      if (typeof params.client_id !== "string" || params.client_id === ACCOUNT_CLIENT_ID) return undefined;
      const carried: Record<string, string> = {};
      for (const [name, value] of Object.entries(params)) if (typeof value === "string" && !NOT_CARRIED.has(name)) carried[name] = value;
      return JSON.stringify(carried).length <= MAX_CARRIED ? carried : undefined;
    },

    /** our authorization endpoint with the kept parameters, and the app's name; undefined when the client is gone */
    async resume(params: Record<string, string> | null): Promise<{ url: string; appName: string } | undefined> {
      if (!params || typeof params.client_id !== "string" || params.client_id === ACCOUNT_CLIENT_ID) return undefined;
      const client = await app.oidc.provider.Client.find(params.client_id);
      if (!client) return undefined;
      return { url: authorizationRequestUrl(params), appName: client.clientName ?? "the application" };
    },
  };
}
