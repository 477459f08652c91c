// Logs what oidc-provider reports only through events: its own 500s and failed back-channel logouts (which
// would otherwise vanish), and revoked grants. Nothing secret is logged: errors, client ids, no tokens.
import type Provider from "oidc-provider";
import type { Logger } from "../lib/logger.ts";

export function logProviderEvents(provider: Provider, log: Logger): void {
  provider.on("server_error", (_ctx, err) => log.error({ err }, "oidc-provider server error"));
  provider.on("backchannel.error", (_ctx, err, client) =>
    log.warn({ err: { message: (err as Error).message }, clientId: client.clientId }, "back-channel logout failed"),
  );
  provider.on("grant.revoked", (_ctx, grantId) => log.info({ grantId }, "grant revoked"));
}
