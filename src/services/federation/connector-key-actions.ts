// The admins' signing-key actions on a private_key_jwt connector (connectors.ts; the keys themselves are
// connector-keys.ts): rotate (a new key, published at once) and remove the old ones. Audited as
// connector.key_rotated / connector.keys_removed with the kids kept and removed.
import type { ConnectorRow } from "../../queries/upstream-connectors.ts";
import { newConnectorKey, withoutOldKeys } from "./connector-keys.ts";
import { invalid, type Invalid } from "./connector-settings.ts";
import type { ConnectorActor, ConnectorAdminContext } from "./connector-admin-context.ts";

export function createConnectorKeyActions({ deps, audited }: ConnectorAdminContext) {
  const { queries } = deps;
  async function changeKeys(
    id: string,
    actor: ConnectorActor,
    type: string,
    next: (c: ConnectorRow) => ConnectorRow["clientKeys"],
  ): Promise<{ outcome: "updated"; connector: ConnectorRow } | { outcome: "not_found" } | Invalid> {
    const current = await queries.find(id);
    if (!current) return { outcome: "not_found" };
    if (current.tokenAuthMethod !== "private_key_jwt")
      return invalid("tokenAuthMethod", "this connector does not use private_key_jwt: it has no signing keys");
    const clientKeys = next(current);
    const updated = await queries.update(id, { clientKeys });
    if (!updated) return { outcome: "not_found" };
    await audited(type, updated, actor, {
      kids: clientKeys.map((k) => k.kid),
      removed: current.clientKeys.filter((k) => !clientKeys.includes(k)).map((k) => k.kid),
    });
    return { outcome: "updated", connector: updated };
  }

  return {
    /** private_key_jwt: a new key, published now, signing once published PUBLISH_LEAD_MS; the older ones stay published until removeOldKeys */
    rotateKey: (id: string, actor: ConnectorActor) =>
      changeKeys(id, actor, "connector.key_rotated", (c) => [newConnectorKey(deps.masterKey, c.id, deps.clock.now()), ...c.clientKeys]),
    /** private_key_jwt: the keys older than the one signing now are no longer published */
    removeOldKeys: (id: string, actor: ConnectorActor) =>
      changeKeys(id, actor, "connector.keys_removed", (c) => withoutOldKeys(c, deps.clock.now())),
  };
}
