// Changing an upstream connector (connectors.ts): a change names only what it changes (no client secret: keep
// it); the merged settings are checked again as a whole. Switching to private_key_jwt gives the connector its
// first signing key pair. Audited as connector.updated, or connector.disabled when the change disables it.
import { encryptSecret } from "../../lib/crypto.ts";
import type { ConnectorRow } from "../../queries/upstream-connectors.ts";
import type { ConnectorSettings } from "./presets.ts";
import { samlSettingsOf } from "./saml-settings.ts";
import { newConnectorKey } from "./connector-keys.ts";
import { upstreamUrl, type ConnectorChanges, type TokenAuthMethod } from "./connector-schemas.ts";
import { complete, settingsOf, tokenAuthProblem, type Invalid } from "./connector-settings.ts";
import { secretPurpose, type ConnectorActor, type ConnectorAdminContext } from "./connector-admin-context.ts";

export async function updateConnector(
  { deps, audited, forget }: ConnectorAdminContext,
  id: string,
  changes: ConnectorChanges,
  actor: ConnectorActor,
): Promise<{ outcome: "updated"; connector: ConnectorRow } | Invalid | { outcome: "not_found" }> {
  const current = await deps.queries.find(id);
  if (!current) return { outcome: "not_found" };
  const merged = settingsOf(current);
  for (const key of Object.keys(merged) as (keyof ConnectorSettings)[])
    if (changes[key] !== undefined) Object.assign(merged, { [key]: changes[key] });
  if (merged.kind === "saml") {
    const saml = samlSettingsOf(changes, upstreamUrl);
    if ("outcome" in saml) return saml;
    Object.assign(merged, saml);
  }
  const settings = complete(merged, deps.allowPrivate);
  if ("outcome" in settings) return settings;
  const tokenAuthMethod = changes.tokenAuthMethod ?? (current.tokenAuthMethod as TokenAuthMethod);
  const authProblem = tokenAuthProblem(merged.kind, tokenAuthMethod, Boolean(changes.clientSecret || current.clientSecretEncrypted));
  if (authProblem) return authProblem;
  // switched to private_key_jwt: its first key pair (the admin registers the JWKS URL at the upstream)
  const firstKey =
    tokenAuthMethod === "private_key_jwt" && !current.clientKeys.length
      ? { clientKeys: [newConnectorKey(deps.masterKey, id, deps.clock.now())] }
      : {};
  const updated = await deps.queries.update(id, {
    ...firstKey,
    ...(changes.tokenAuthMethod !== undefined ? { tokenAuthMethod } : {}),
    ...settings,
    ...(changes.name !== undefined ? { name: changes.name } : {}),
    ...(changes.enabled !== undefined ? { enabled: changes.enabled } : {}),
    ...(changes.clientId !== undefined ? { clientId: changes.clientId } : {}),
    ...(changes.clientSecret !== undefined
      ? { clientSecretEncrypted: encryptSecret(deps.masterKey, changes.clientSecret, secretPurpose(id)) }
      : {}),
  });
  if (!updated) return { outcome: "not_found" };
  forget();
  const changed = Object.keys(changes)
    .filter((k) => changes[k as keyof ConnectorChanges] !== undefined)
    .sort();
  await audited(changes.enabled === false ? "connector.disabled" : "connector.updated", updated, actor, {
    changed,
    enabled: updated.enabled,
  });
  return { outcome: "updated", connector: updated };
}
