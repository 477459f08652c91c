// The admin client form (clients-edit.ts): its values as posted and as a client has them, the client service's
// input they make (validated there with newClientSchema, after the resource servers are checked here), and a
// refused form's messages in the form's words (lib/i18n/en-admin-config.ts "adminCfg.issue.*").
import { ZodError } from "zod";
import { ClientNamespaceError, type ClientEditInput } from "../../../services/clients.ts";
import type { OidcClient } from "../../../queries/clients.ts";
import { translateText, translator } from "../../../lib/i18n/index.ts";
import type { Say } from "./config-words.ts";

export type FormValues = {
  name: string;
  type: string;
  redirectUris: string;
  postLogoutRedirectUris: string;
  grantTypes: string[];
  resources: string[];
  firstParty: boolean;
  backchannelLogoutUri: string;
  permissionNamespace: string;
  idTokenSigningAlg: string;
  endsWithSession: boolean;
  offlineAccessWithoutPrompt: boolean;
};

const text = (v: unknown) => (typeof v === "string" ? v : "");
/** a form field that may be sent several times (checkboxes) */
const many = (v: unknown) => (Array.isArray(v) ? v.map(String) : typeof v === "string" ? [v] : []);
const lines = (v: string) =>
  v
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);

export function formOf(b: Record<string, unknown>): FormValues {
  return {
    name: text(b.name),
    type: text(b.type),
    redirectUris: text(b.redirectUris),
    postLogoutRedirectUris: text(b.postLogoutRedirectUris),
    grantTypes: many(b.grantTypes),
    resources: many(b.resources),
    firstParty: b.firstParty === "yes",
    backchannelLogoutUri: text(b.backchannelLogoutUri).trim(),
    permissionNamespace: text(b.permissionNamespace).trim(),
    idTokenSigningAlg: text(b.idTokenSigningAlg),
    endsWithSession: b.endsWithSession === "yes",
    offlineAccessWithoutPrompt: b.offlineAccessWithoutPrompt === "yes",
  };
}

export function formFromClient(c: OidcClient): FormValues {
  return {
    name: c.name,
    type: c.type,
    redirectUris: c.redirectUris.join("\n"),
    postLogoutRedirectUris: c.postLogoutRedirectUris.join("\n"),
    grantTypes: c.grantTypes,
    resources: c.resources,
    firstParty: c.firstParty,
    backchannelLogoutUri: c.backchannelLogoutUri ?? "",
    permissionNamespace: c.permissionNamespace ?? "",
    idTokenSigningAlg: c.idTokenSigningAlg ?? "",
    endsWithSession: c.endsWithSession,
    offlineAccessWithoutPrompt: c.offlineAccessWithoutPrompt,
  };
}

/** the service's input for a form (validation is the service's newClientSchema) */
function inputOf(f: FormValues): ClientEditInput {
  return {
    name: f.name,
    redirectUris: lines(f.redirectUris),
    postLogoutRedirectUris: lines(f.postLogoutRedirectUris),
    grantTypes: f.grantTypes as ClientEditInput["grantTypes"],
    resources: f.resources,
    firstParty: f.firstParty,
    backchannelLogoutUri: f.backchannelLogoutUri || null,
    permissionNamespace: f.permissionNamespace || null,
    // anything but the listed algorithms is refused by the service's schema
    idTokenSigningAlg: (f.idTokenSigningAlg || null) as ClientEditInput["idTokenSigningAlg"],
    endsWithSession: f.endsWithSession,
    offlineAccessWithoutPrompt: f.offlineAccessWithoutPrompt,
  };
}

/** the form's values checked against the configured resource servers, then the service's input */
export function checked(f: FormValues, resourceServers: string[]): ClientEditInput | Record<string, string> {
  const unknown = f.resources.find((r) => !resourceServers.includes(r));
  if (unknown !== undefined) return { resources: "adminCfg.issue.resources" };
  return inputOf(f);
}
export const isErrors = (v: ClientEditInput | Record<string, string>): v is Record<string, string> => !("redirectUris" in v);

/** the fields the form names in a message: "a name for the client" (a), "one grant type" (one), "the redirect URI" (the) */
const FIELDS = new Set([
  "name",
  "redirectUris",
  "postLogoutRedirectUris",
  "grantTypes",
  "resources",
  "backchannelLogoutUri",
  "permissionNamespace",
  "idTokenSigningAlg",
  "type",
]);
/** the validator's own words ("Too small: expected string to have >=1 characters") are not for people */
const VALIDATOR_WORDS = /^(Invalid|Too (small|big)|Expected)\b/;
const english = (() => {
  const t = translator("en");
  return ((text, vars) => translateText(t, text, vars)) as Say;
})();

/** one refusal in the form's words (lib/i18n/en-admin-config.ts "adminCfg.issue.*"), in `say`'s language */
export function friendlyIssue(
  i: { code: string; message: string; path: PropertyKey[]; maximum?: unknown; origin?: unknown },
  say: Say = english,
): string {
  const field = FIELDS.has(String(i.path[0])) ? String(i.path[0]) : "other";
  const what = (form: "a" | "one" | "the") => say(`adminCfg.field.${form}.${field}`);
  const line = typeof i.path[1] === "number" ? say("adminCfg.issue.line", { n: i.path[1] + 1 }) : "";
  // the schema's own words are for people already (said in the page's language where a catalogue has them); a
  // sentence starts upper-case unless it starts with a code word
  if (!VALIDATOR_WORDS.test(i.message)) {
    const own = say(i.message);
    return `${/^[a-z]+\s/.test(own) ? own.charAt(0).toUpperCase() + own.slice(1) : own}${line}`;
  }
  if (i.code === "too_small")
    return i.origin === "array" ? say("adminCfg.issue.chooseOne", { what: what("one") }) : say("adminCfg.issue.enter", { what: what("a") });
  if (i.code === "too_big") return say("adminCfg.issue.tooLong", { max: String(i.maximum), line });
  if (i.code === "invalid_format") return say("adminCfg.issue.url", { what: what("the"), line });
  return say("adminCfg.issue.choose", { what: what("a"), line });
}

/** field -> message for a refused form */
export function errorsOf(err: unknown, say: Say): Record<string, string> | undefined {
  if (err instanceof ZodError) {
    const out: Record<string, string> = {};
    for (const i of err.issues) out[String(i.path[0] ?? "name")] ??= friendlyIssue(i as Parameters<typeof friendlyIssue>[0], say);
    return out;
  }
  if (err instanceof ClientNamespaceError) return { permissionNamespace: say("adminCfg.issue.namespaceTaken", { takenBy: err.takenBy }) };
  return undefined;
}
