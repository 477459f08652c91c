// Delivers the outbox's back-channel logouts (services/outbox/backchannel.ts): the same signed logout token
// oidc-provider sends on logout, through the Client model's own backchannelLogout (its HTTP options: timeout,
// the OUTBOUND_ALLOW_PRIVATE guard). A failure throws, so the outbox retries it with backoff and finally keeps it
// as a dead letter. A client that is gone or no longer has a back-channel logout URI has nothing to be told.
// Also queues for retry the logouts oidc-provider sent itself at sign-out and failed to deliver.
import type Provider from "oidc-provider";
import type { Logger } from "../lib/logger.ts";
import type { ProviderHost } from "./provider-host.ts";
import type { OutboxHandler } from "../services/outbox/outbox.ts";
import type { BackchannelLogout, BackchannelQueue } from "../services/outbox/backchannel.ts";

type LogoutCapable = { clientId: string; backchannelLogoutUri?: string; backchannelLogout(sub: string, sid: string | null): Promise<void> };

export function createBackchannelDelivery(deps: { host: ProviderHost; log: Logger }): OutboxHandler {
  return async ({ payload }) => {
    const { clientId, sub, sid } = payload as BackchannelLogout;
    const client = (await deps.host.provider.Client.find(clientId)) as unknown as LogoutCapable | undefined;
    if (!client?.backchannelLogoutUri) {
      deps.log.info({ clientId }, "back-channel logout dropped: the client has no back-channel logout URI any more");
      return;
    }
    await client.backchannelLogout(sub, sid);
  };
}

/** on each provider (prepare): a sign-out's back-channel logout that failed is queued for retry */
export function retryFailedBackchannelLogouts(queue: BackchannelQueue) {
  return (provider: Provider): void => {
    provider.on("backchannel.error", (_ctx, err, client, accountId, sid) => {
      void queue.retryFailed({ clientId: client.clientId, sub: accountId, sid: sid ?? null }, err);
    });
  };
}
