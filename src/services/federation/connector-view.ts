// An upstream connector as administrators see it on every surface (admin pages, the REST API, the CLI's --json):
// everything but the client secret and the private keys (of those only whether there is one, ids and dates).
import type { ConnectorRow } from "../../queries/upstream-connectors.ts";
import { keySummaryOf } from "./connector-keys.ts";

/** what a connector shows: everything but the secret and the private keys (of those only ids and dates) */
export const connectorView = (c: ConnectorRow, now = new Date()) => {
  const { clientSecretEncrypted: _secret, clientKeys: _keys, ...rest } = c;
  return {
    ...rest,
    hasSecret: Boolean(c.clientSecretEncrypted),
    signingKeys: keySummaryOf(c, now),
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
};
export type ConnectorView = ReturnType<typeof connectorView>;
