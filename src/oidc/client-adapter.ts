// oidc-provider reads clients through this adapter, from Postgres (cached in the client service). Client
// secrets rest as SHA-256: the secret the caller presents on this request is checked against the hash (see
// ClientService.metadata). Clients are managed with the CLI/admin, never through oidc-provider.
import Provider, { type Adapter, type AdapterPayload } from "oidc-provider";
import type { Context } from "koa";
import type { ClientService } from "../services/clients.ts";

/** client_secret from HTTP Basic (client_secret_basic) or the form body (client_secret_post) */
export function presentedClientSecret(ctx: Context | undefined): string | undefined {
  if (!ctx) return undefined;
  const auth = ctx.get("authorization");
  if (auth.toLowerCase().startsWith("basic ")) {
    const decoded = Buffer.from(auth.slice(6).trim(), "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon < 0) return undefined;
    try {
      return decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, "%20"));
    } catch {
      return undefined;
    }
  }
  const body = (ctx as Context & { oidc?: { body?: Record<string, unknown> } }).oidc?.body;
  return typeof body?.client_secret === "string" ? body.client_secret : undefined;
}

export function createClientAdapterClass(clients: ClientService) {
  const readOnly = () => {
    throw new Error("clients are managed through Gatehouse, not oidc-provider");
  };
  return class ClientAdapter implements Adapter {
    constructor(readonly model: string) {}
    async find(id: string): Promise<AdapterPayload | undefined> {
      return clients.metadata(id, presentedClientSecret(Provider.ctx as Context | undefined)) as Promise<AdapterPayload | undefined>;
    }
    upsert = readOnly;
    findByUid = async () => undefined;
    findByUserCode = async () => undefined;
    consume = readOnly;
    destroy = readOnly;
    revokeByGrantId = async () => {};
  };
}
