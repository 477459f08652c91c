// gatehouse_tokens_issued_total{grant_type}: oidc-provider emits grant.success once per token endpoint request that
// issued tokens (authorization code, refresh, client credentials, device code ...); the grant type is counted
// from a fixed list (lib/telemetry.ts), never the raw parameter.
import type Provider from "oidc-provider";
import type { Telemetry } from "../lib/telemetry.ts";

export function countIssuedTokens(telemetry: Pick<Telemetry, "tokenIssued">) {
  return (provider: Provider): void => {
    provider.on("grant.success", (ctx) => telemetry.tokenIssued(ctx.oidc.params?.grant_type));
  };
}
