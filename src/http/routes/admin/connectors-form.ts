// The admin sign-in provider form (connectors-edit.ts): its values as posted and as a connector has them (the
// secret never shown back: empty keeps it), the use case's input they make (services/federation/connectors.ts
// judges it with its schemas), and a refused form's messages by field.
import type { ConnectorRow } from "../../../queries/upstream-connectors.ts";
import type { Say } from "./config-words.ts";

const URL_FIELDS = ["issuer", "authorizationEndpoint", "tokenEndpoint", "userinfoEndpoint", "emailsEndpoint"] as const;
export type Form = Record<string, string>;

const text = (v: unknown) => (typeof v === "string" ? v.trim() : "");
const FORM_FIELDS = [
  "slug",
  "preset",
  "name",
  "kind",
  ...URL_FIELDS,
  "clientId",
  "clientSecret",
  "tokenAuthMethod",
  "scopes",
  "trustEmailVerified",
  "claimSubject",
  "claimEmail",
  "claimUsername",
  "claimGroups",
  "idpMetadata",
];
export const formOf = (b: Record<string, unknown>): Form =>
  Object.fromEntries(FORM_FIELDS.map((f) => [f, f === "clientSecret" ? (typeof b[f] === "string" ? b[f] : "") : text(b[f])]));
export const formFrom = (c: ConnectorRow): Form => ({
  slug: c.slug,
  preset: c.preset ?? "",
  name: c.name,
  kind: c.kind,
  issuer: c.issuer ?? "",
  authorizationEndpoint: c.authorizationEndpoint ?? "",
  tokenEndpoint: c.tokenEndpoint ?? "",
  userinfoEndpoint: c.userinfoEndpoint ?? "",
  emailsEndpoint: c.emailsEndpoint ?? "",
  clientId: c.clientId,
  clientSecret: "",
  tokenAuthMethod: c.tokenAuthMethod,
  scopes: c.scopes.join(" "),
  trustEmailVerified: c.trustEmailVerified ? "yes" : "",
  claimSubject: c.claimsMapping.subject ?? "",
  claimEmail: c.claimsMapping.email ?? "",
  claimUsername: c.claimsMapping.username ?? "",
  claimGroups: c.claimsMapping.groups ?? "",
  idpMetadata: "",
});

/**
 * the form as the use case's input: an empty field is "not given" (the preset's or the connector's value stays).
 * The claims mapping is one value: `kept` holds what the form does not show (the preset's whole mapping when
 * adding; emailVerified and name when editing), so giving one claim does not drop the others
 */
export function inputOf(f: Form, kept: Record<string, string> = {}) {
  const given = (v: string | undefined) => (v ? v : undefined);
  const shown = Object.fromEntries(
    (
      [
        ["subject", f.claimSubject],
        ["email", f.claimEmail],
        ["username", f.claimUsername],
        ["groups", f.claimGroups],
      ] as const
    ).filter(([, v]) => v),
  ) as Record<string, string>;
  const mapping = Object.keys(shown).length ? { ...kept, ...shown } : {};
  return {
    name: given(f.name),
    kind: given(f.kind),
    ...Object.fromEntries(URL_FIELDS.map((k) => [k, given(f[k])])),
    clientId: given(f.clientId),
    clientSecret: given(f.clientSecret),
    tokenAuthMethod: given(f.tokenAuthMethod),
    scopes: f.scopes ? f.scopes.split(/\s+/).filter(Boolean) : undefined,
    trustEmailVerified: f.trustEmailVerified === "yes",
    claimsMapping: Object.keys(mapping).length ? mapping : undefined,
    idpMetadata: given(f.idpMetadata),
    // SAML: the issuer field holds the IdP's entity id (which need not be a URL)
    ...(f.kind === "saml" ? { issuer: undefined, idpEntityId: given(f.issuer) } : {}),
  };
}
/** field -> the schema's words (said in the page's language where a catalogue has them) */
export const issuesOf = (issues: { path: PropertyKey[]; message: string }[], say: Say) =>
  Object.fromEntries(issues.map((i) => [String(i.path[0] ?? "name"), say(i.message)]));
