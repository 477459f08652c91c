// Who the upstream says the user is, read through the connector's claims mapping (#17): OpenID Connect from the
// validated ID token (then the user-info endpoint for what it lacks), OAuth 2.0 from the user-info endpoint (and,
// for GitHub-shaped upstreams, the list of the user's addresses with their verified flags).
import * as client from "openid-client";
import { z } from "zod";
import type { ConnectorRow } from "../../queries/upstream-connectors.ts";

export type UpstreamProfile = {
  subject: string;
  email: string | null;
  emailVerified: boolean;
  name: string | null;
  username: string | null;
  /** the upstream groups the user is in (team roles: group-roles.ts); none when the upstream says none */
  groups?: string[];
};

/** a groups claim or attribute: a list of names (or one name), each kept to 256 characters, at most 200 */
export function groupNames(value: unknown): string[] {
  const list = Array.isArray(value) ? value : typeof value === "string" ? [value] : [];
  return [
    ...new Set(list.filter((g): g is string => typeof g === "string" && g.trim().length > 0).map((g) => g.trim().slice(0, 256))),
  ].slice(0, 200);
}

type Claims = Record<string, unknown>;
const text = (v: unknown) => (typeof v === "string" && v.trim() ? v.trim().slice(0, 320) : typeof v === "number" ? String(v) : null);
const HEADERS = { accept: "application/json", "user-agent": "Gatehouse" };
const EMAIL = z.email().max(320);

/**
 * the upstream's address when it is one by the rule every other way in uses (registration, profile): anything
 * else (no address, header-breaking text, look-alike Unicode forms) is no address at all
 */
export function upstreamEmail(value: unknown): string | null {
  const candidate = text(value);
  return candidate && EMAIL.safeParse(candidate).success ? candidate : null;
}

async function getJson(config: client.Configuration, token: string, url: string): Promise<unknown> {
  const res = await client.fetchProtectedResource(config, token, new URL(url), "GET", undefined, new Headers(HEADERS));
  if (!res.ok) throw new Error(`${url} answered ${res.status}`);
  return res.json();
}

/**
 * the user's primary address from a GitHub-shaped list ([{email, primary, verified}]), verified only when the
 * upstream says the primary one is: another verified address of theirs is never taken instead (it is not the one
 * they chose to be reached at, and may be an old address someone else holds now)
 */
export function primaryAddress(list: unknown): { email: string; verified: boolean } | null {
  if (!Array.isArray(list)) return null;
  const rows = list.filter(
    (e): e is { email: string; primary?: boolean; verified?: boolean } => typeof (e as { email?: unknown })?.email === "string",
  );
  const primary = rows.find((e) => e.primary === true);
  return primary ? { email: primary.email, verified: primary.verified === true } : null;
}

export async function profileFrom(
  c: ConnectorRow,
  config: client.Configuration,
  tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers,
): Promise<UpstreamProfile | null> {
  const m = c.claimsMapping;
  let claims: Claims;
  let verifiedFromList: boolean | undefined;
  if (c.kind === "oidc") {
    claims = { ...(tokens.claims() ?? {}) };
    const sub = String(claims.sub);
    if (!claims[m.email ?? "email"] && config.serverMetadata().userinfo_endpoint)
      claims = { ...(await client.fetchUserInfo(config, tokens.access_token, sub)), ...claims };
  } else {
    claims = (await getJson(config, tokens.access_token, c.userinfoEndpoint!)) as Claims;
    if (c.emailsEndpoint) {
      // the list decides: its primary address (verified only when it says so), or none at all
      const primary = primaryAddress(await getJson(config, tokens.access_token, c.emailsEndpoint));
      claims = { ...claims, [m.email ?? "email"]: primary?.email ?? null };
      verifiedFromList = primary?.verified ?? false;
    }
  }
  const subject = text(claims[m.subject ?? "sub"]);
  if (!subject) return null;
  const verifiedClaim = claims[m.emailVerified ?? "email_verified"];
  return {
    subject,
    email: upstreamEmail(claims[m.email ?? "email"]),
    emailVerified: verifiedFromList ?? (verifiedClaim === true || verifiedClaim === "true"),
    name: text(claims[m.name ?? "name"]),
    username: text(claims[m.username ?? "preferred_username"]),
    ...((groups) => (groups.length ? { groups } : {}))(groupNames(claims[m.groups ?? "groups"])),
  };
}
