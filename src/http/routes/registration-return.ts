// A registration that began at a relying party's sign-in resumes that app's authorization request once the address
// is verified, so the new user ends in the app, signed in, and not on Gatehouse's /login. What is carried is the
// authorization request's parameters, read on the server from the interaction (never from the browser), kept
// sealed with the pending account (services/registration.ts keepReturn); the only place they lead is our own
// authorization endpoint, where oidc-provider checks them all again (the client, its registered redirect_uri,
// PKCE): never an open redirect.
import type { AppContext } from "../web-context.ts";
import { ACCOUNT_CLIENT_ID } from "../../oidc/configuration.ts";

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
  return {
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
