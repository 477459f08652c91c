// Creating an upstream connector (connectors.ts): from a preset (its settings, what the admin names overrides
// them) or custom; the client secret encrypted, a private_key_jwt connector given its first signing key pair;
// audited as connector.created. A slug already in use answers slug_taken.
import { encryptSecret, randomUuid } from "../../lib/crypto.ts";
import { isUniqueViolation, type ConnectorData, type ConnectorRow } from "../../queries/upstream-connectors.ts";
import { PRESET_SETTINGS, type ConnectorSettings } from "./presets.ts";
import { samlSettingsOf } from "./saml-settings.ts";
import { newConnectorKey } from "./connector-keys.ts";
import { upstreamUrl, type NewConnectorInput } from "./connector-schemas.ts";
import { complete, invalid, tokenAuthProblem, type Invalid } from "./connector-settings.ts";
import { secretPurpose, type ConnectorActor, type ConnectorAdminContext } from "./connector-admin-context.ts";

export async function createConnector(
  { deps, audited, forget }: ConnectorAdminContext,
  input: NewConnectorInput,
  actor: ConnectorActor,
): Promise<{ outcome: "created"; connector: ConnectorRow } | Invalid | { outcome: "slug_taken" }> {
  const preset = input.preset ? PRESET_SETTINGS[input.preset] : undefined;
  const kind = input.kind ?? "oidc";
  // a custom OpenID Connect upstream asks for the standard scopes unless told otherwise
  const base: ConnectorSettings = preset?.settings ?? {
    kind,
    issuer: null,
    authorizationEndpoint: null,
    tokenEndpoint: null,
    userinfoEndpoint: null,
    emailsEndpoint: null,
    scopes: kind === "oidc" ? ["openid", "email", "profile"] : [],
    claimsMapping: {},
    trustEmailVerified: false,
    samlCertificates: [],
  };
  if (preset && input.kind && input.kind !== base.kind) return invalid("kind", `the ${input.preset} preset is ${base.kind}`);
  const name = input.name ?? preset?.name;
  if (!name) return invalid("name", "a name is required");
  const saml = kind === "saml" ? samlSettingsOf(input, upstreamUrl) : {};
  if ("outcome" in saml) return saml;
  if (kind !== "saml" && !input.clientId) return invalid("clientId", "a client id is required");
  const tokenAuthMethod = input.tokenAuthMethod ?? "client_secret_post";
  const authProblem = tokenAuthProblem(kind, tokenAuthMethod, Boolean(input.clientSecret));
  if (authProblem) return authProblem;
  const merged = { ...base } as ConnectorSettings;
  for (const key of Object.keys(base) as (keyof ConnectorSettings)[])
    if (input[key] !== undefined) Object.assign(merged, { [key]: input[key] });
  Object.assign(merged, saml);
  const settings = complete(merged, deps.allowPrivate);
  if ("outcome" in settings) return settings;
  const id = randomUuid();
  const data: ConnectorData = {
    ...settings,
    slug: input.slug,
    name,
    preset: input.preset ?? null,
    enabled: input.enabled ?? true,
    clientId: input.clientId ?? "",
    // a SAML connector has no secret
    clientSecretEncrypted: input.clientSecret ? encryptSecret(deps.masterKey, input.clientSecret, secretPurpose(id)) : "",
    tokenAuthMethod,
    clientKeys: tokenAuthMethod === "private_key_jwt" ? [newConnectorKey(deps.masterKey, id, deps.clock.now())] : [],
  };
  try {
    const connector = await deps.queries.create(id, data);
    forget();
    await audited("connector.created", connector, actor, { kind: connector.kind, preset: connector.preset ?? "custom" });
    return { outcome: "created", connector };
  } catch (err) {
    if (isUniqueViolation(err)) return { outcome: "slug_taken" };
    throw err;
  }
}
