// The provider admins' upstream-connector actions (#17), one use case for the admin pages, the REST API and the
// CLI: list, create (from a preset or custom), change (a change names only what it changes; no secret: keep
// it), delete (refused while accounts are linked: disable it instead). The client secret is encrypted with the
// master key (bound to the connector's id) and never shown back; a private_key_jwt connector (oidc) needs none:
// it gets a signing key pair instead (connector-keys.ts), rotated with rotateKey / removeOldKeys. Each action is
// audited as connector.<action> with the admin and the surface (`via`). Outcomes are unions, worded for every surface alike.
// This file puts the use case together (the readers and delete are here): what an admin may send is
// connector-schemas.ts, the checks of the settings connector-settings.ts, what an admin sees connector-view.ts,
// the shared dependencies, actor and audit record connector-admin-context.ts; create is connector-create.ts,
// change connector-update.ts, rotateKey / removeOldKeys connector-key-actions.ts.
import { shortLived } from "../../lib/short-lived.ts";
import { decryptSecret } from "../../lib/crypto.ts";
import { isRestricted, type ConnectorRow } from "../../queries/upstream-connectors.ts";
import { currentKeyOf, signingKeyOf } from "./connector-keys.ts";
import type { ConnectorChanges, NewConnectorInput } from "./connector-schemas.ts";
import {
  connectorAuditor,
  secretPurpose,
  type ConnectorActor,
  type ConnectorAdminContext,
  type ConnectorAdminDeps,
} from "./connector-admin-context.ts";
import { createConnector } from "./connector-create.ts";
import { updateConnector } from "./connector-update.ts";
import { createConnectorKeyActions } from "./connector-key-actions.ts";

const ENABLED_CACHE_MS = 5000;

/** `allowPrivate`: upstream URLs may name loopback or private hosts (outside production, or OUTBOUND_ALLOW_PRIVATE) */
export function createConnectorAdmin(deps: ConnectorAdminDeps) {
  const { queries } = deps;
  // the sign-in page's buttons: read at most every ENABLED_CACHE_MS per process (a change shows within that)
  const enabledRows = shortLived(
    () => queries.listEnabled(),
    ENABLED_CACHE_MS,
    () => deps.clock.now().getTime(),
  );
  const ctx: ConnectorAdminContext = { deps, audited: connectorAuditor(deps.audit), forget: enabledRows.forget };

  return {
    list: () => queries.list(),
    /** the enabled connectors, by name (cached for a few seconds: every sign-in page shows them) */
    enabled: (): Promise<ConnectorRow[]> => enabledRows.get(),
    find: (id: string) => queries.find(id),
    findBySlug: (slug: string) => queries.findBySlug(slug),
    /** the decrypted client secret, for the upstream exchange only (never shown) */
    secretOf: (c: ConnectorRow) =>
      c.clientSecretEncrypted ? decryptSecret(deps.masterKey, c.clientSecretEncrypted, secretPurpose(c.id)) : "",
    /** private_key_jwt: the current private key, for the client assertion at the upstream's token endpoint only */
    signingKeyOf: (c: ConnectorRow) => signingKeyOf(deps.masterKey, c, deps.clock.now()),
    /** private_key_jwt: the id of the key that signs now (it changes PUBLISH_LEAD_MS after a rotation) */
    signingKidOf: (c: ConnectorRow) => currentKeyOf(c, deps.clock.now())?.kid ?? null,

    create: (input: NewConnectorInput, actor: ConnectorActor) => createConnector(ctx, input, actor),
    /** changes what `changes` names (undefined: keep; no clientSecret: keep the secret) */
    update: (id: string, changes: ConnectorChanges, actor: ConnectorActor) => updateConnector(ctx, id, changes, actor),
    ...createConnectorKeyActions(ctx),
    /** refused while accounts are linked through it (they would lose that way in): disable it instead */
    remove: (id: string, actor: ConnectorActor) => removeConnector(ctx, id, actor),
  };
}

export type ConnectorAdmin = ReturnType<typeof createConnectorAdmin>;

async function removeConnector(
  { deps: { queries }, audited, forget }: ConnectorAdminContext,
  id: string,
  actor: ConnectorActor,
): Promise<{ outcome: "deleted" } | { outcome: "not_found" } | { outcome: "in_use"; linked: number }> {
  const connector = await queries.find(id);
  if (!connector) return { outcome: "not_found" };
  const linked = await queries.countLinked(id);
  if (linked > 0) return { outcome: "in_use", linked };
  // a link made since the count: the foreign key refuses the delete
  const removed = await queries.remove(id).catch(async (err: unknown) => {
    if (isRestricted(err)) return "in_use" as const;
    throw err;
  });
  if (removed === "in_use") return { outcome: "in_use", linked: await queries.countLinked(id) };
  if (!removed) return { outcome: "not_found" };
  forget();
  await audited("connector.deleted", connector, actor, { kind: connector.kind });
  return { outcome: "deleted" };
}
