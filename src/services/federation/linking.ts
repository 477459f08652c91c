// Linking an upstream identity to an existing account, with proof of both sides (#17): the upstream proved the
// address (verified, and the connector trusts it), and the person proves the account (its password, on a page
// of the same sign-in). Until then the offer waits in Redis, bound to the login interaction, for the
// interaction's life at most; taking it is single use. Nothing is linked without both proofs.
import type { RedisClient } from "../../db/redis.ts";
import type { UpstreamConnectorQueries } from "../../queries/upstream-connectors.ts";
import type { AuditService } from "../audit.ts";

export type LinkOffer = { userId: string; email: string; connectorId: string; slug: string; name: string; subject: string };

export function createFederatedLinking(deps: {
  redis: RedisClient;
  queries: UpstreamConnectorQueries;
  audit: Pick<AuditService, "record">;
  clock: { now(): Date; epoch(): number };
}) {
  const { redis } = deps;
  const key = (uid: string) => `federation:link:{${uid}}`;
  return {
    /** keeps the offer for this interaction until `exp` (epoch seconds) */
    async offer(uid: string, exp: number, offer: LinkOffer): Promise<void> {
      await redis.set(key(uid), JSON.stringify(offer), "EX", Math.max(1, Math.min(exp - deps.clock.epoch(), 3600)));
    },
    async peek(uid: string): Promise<LinkOffer | null> {
      const raw = await redis.get(key(uid));
      return raw ? (JSON.parse(raw) as LinkOffer) : null;
    },
    /**
     * the account proved itself: takes the offer (once) and links the identity, audited as identity.linked;
     * null when the offer is gone (used, expired), its connector is disabled now, or the identity got linked meanwhile
     */
    async complete(
      uid: string,
      userId: string,
      request: { ip: string | null; userAgent: string | null; clientId?: string | null },
      proof: "password" | "passkey",
    ): Promise<LinkOffer | null> {
      const raw = await redis.getdel(key(uid));
      const offer = raw ? (JSON.parse(raw) as LinkOffer) : null;
      if (!offer || offer.userId !== userId) return null;
      // a connector disabled (or deleted) since the offer links nothing: its sign-ins are refused now
      if (!(await deps.queries.find(offer.connectorId))?.enabled) return null;
      try {
        await deps.queries.linkIdentity({
          userId,
          connectorId: offer.connectorId,
          subject: offer.subject,
          email: offer.email,
          at: deps.clock.now(),
        });
      } catch (err) {
        if ((err as { code?: string }).code === "P2002") return null;
        throw err;
      }
      await deps.audit.record({
        type: "identity.linked",
        outcome: "success",
        userId,
        actorId: userId,
        ip: request.ip,
        userAgent: request.userAgent,
        clientId: request.clientId ?? null,
        data: { connector: offer.slug, proof },
      });
      return offer;
    },
  };
}

export type FederatedLinking = ReturnType<typeof createFederatedLinking>;
