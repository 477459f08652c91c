// What the upstream-connector actions (connectors.ts) share: their dependencies, the acting admin and the surface
// (`via`), the audit record (connector.<action> with both), the purpose the client secret is encrypted for (bound
// to the connector's id), and `forget`, which makes the cached list of enabled connectors read afresh.
import { auditedBy, surfaceOf, type AdminActor } from "../admin-actor.ts";
import type { AuditService } from "../audit.ts";
import type { ConnectorRow, UpstreamConnectorQueries } from "../../queries/upstream-connectors.ts";

export type ConnectorActor = AdminActor & { via: "admin_page" | "api" | "cli"; apiClientId?: string };

export type ConnectorAdminDeps = {
  queries: UpstreamConnectorQueries;
  audit: AuditService;
  masterKey: Buffer;
  clock: { now(): Date };
  allowPrivate: boolean;
};

export const secretPurpose = (id: string) => `upstream-connector:${id}`;

/** the connector.<action> audit record: the connector, the admin, the surface (and the API's client) */
export const connectorAuditor =
  (audit: AuditService) =>
  (type: string, c: Pick<ConnectorRow, "id" | "slug" | "name">, actor: ConnectorActor, data: Record<string, unknown> = {}) =>
    audit.record({
      type,
      outcome: "success",
      ...auditedBy(actor),
      data: {
        connectorId: c.id,
        slug: c.slug,
        name: c.name,
        ...data,
        ...surfaceOf(actor),
      },
    });

export type ConnectorAdminContext = {
  deps: ConnectorAdminDeps;
  audited: ReturnType<typeof connectorAuditor>;
  /** the enabled connectors are read afresh by the next caller (a change made through this process shows at once) */
  forget: () => void;
};
