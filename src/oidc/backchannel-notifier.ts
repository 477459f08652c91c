// Tells relying parties with a back-channel logout URI that a user's sessions ended outside a logout (password
// change or reset, later "sign out everywhere"): the same signed logout token oidc-provider sends on logout,
// through the Client model's own backchannelLogout. Runs after the request, never changes its answer;
// failures are logged (and reported as the provider's backchannel.error event, like its own).
import type { Logger } from "../lib/logger.ts";
import type { ProviderHost } from "./provider-host.ts";
import type { EndedSessions } from "./redis-adapter.ts";

type LogoutCapable = { clientId: string; backchannelLogoutUri?: string; backchannelLogout(sub: string, sid: string | null): Promise<void> };

export function createBackchannelNotifier(deps: { host: ProviderHost; log: Logger }) {
  return (userId: string, ended: EndedSessions): void => {
    const { provider } = deps.host;
    for (const session of ended.ended) {
      for (const { clientId, sid } of session.clients) {
        void (async () => {
          const client = (await provider.Client.find(clientId)) as unknown as LogoutCapable | undefined;
          if (!client?.backchannelLogoutUri) return;
          await client.backchannelLogout(userId, sid).then(
            () => provider.emit("backchannel.success", undefined, client, userId, sid),
            (err: unknown) => provider.emit("backchannel.error", undefined, err, client, userId, sid),
          );
        })().catch((err: unknown) => deps.log.warn({ err: { message: (err as Error).message }, clientId }, "back-channel logout could not be sent"));
      }
    }
  };
}
