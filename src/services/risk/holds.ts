// Held sign-ins in Redis: a hold knows the user, the waiting interaction, the rules that fired and where the
// sign-in came from, and has two emailed links (approve, deny) of which only the sha256 is stored. One link
// decides once and ends the other; a decision made in parallel with the other link loses (SET NX). Keys live
// a grace period past the hold's expiry, so a late link is told "expired" (and audited) rather than "unknown";
// the expiry itself is judged by the application's clock. An interaction has at most one live hold: a new one
// (the user started over and was held again) supersedes the earlier, whose links die with it.
import type { RedisClient } from "../../db/redis.ts";
import type { Clock } from "../../lib/clock.ts";
import { randomToken, sha256 } from "../../lib/crypto.ts";
import type { HoldReason, RuleName } from "./rules/index.ts";

/** a place as the GeoIP database gives it: the city as it names it, the country as its ISO region code */
export type HoldPlace = { city: string | null; countryCode: string };

/** a hold's reason as stored: a rule's key and values, or (a hold stored before keys) the rule's English sentence */
export type StoredReason = HoldReason | string;

export type LinkKind = "approve" | "deny";
export type HoldDecision = "approved" | "denied" | "expired" | "superseded";

export type Hold = {
  id: string;
  userId: string;
  interactionUid: string;
  clientId: string;
  rules: RuleName[];
  /** each rule's reason, as a catalogue key and values (words.ts says them); English sentences in holds stored before */
  reasons: StoredReason[];
  ip: string | null;
  userAgent: string | null;
  /** where the sign-in came from, when the hold was made (null: unknown); absent in holds stored before */
  place?: HoldPlace | null;
  /** holds stored before `place`: "London, United Kingdom" or "unknown location", in English */
  location?: string;
  /** ms since the epoch */
  createdAt: number;
  /** seconds since the epoch: the links die then */
  expiresAt: number;
  approveHash: string;
  denyHash: string;
};

export type HoldStatus = { status: "pending" | HoldDecision; hold: Hold };

/** keys outlive the hold by this much (seconds), to recognise a late link */
const GRACE_SECONDS = 3600;

export function createHolds(deps: { redis: RedisClient; clock: Clock }) {
  const { redis, clock } = deps;
  const holdKey = (id: string) => `risk:hold:{${id}}`;
  const linkKey = (hash: string) => `risk:link:{${hash}}`;
  const decisionKey = (id: string) => `risk:decision:{${id}}`;
  /** the interaction's latest hold */
  const interactionKey = (uid: string) => `risk:interaction:{${uid}}`;

  async function load(id: string): Promise<Hold | null> {
    const raw = await redis.get(holdKey(id));
    return raw ? (JSON.parse(raw) as Hold) : null;
  }
  const keyTtl = (hold: Hold) => Math.max(1, hold.expiresAt - clock.epoch() + GRACE_SECONDS);
  const isExpired = (hold: Hold) => clock.epoch() >= hold.expiresAt;

  /** the hold a link belongs to and which link it is, or null */
  async function linkOf(token: string): Promise<{ kind: LinkKind; hold: Hold; hash: string } | null> {
    const hash = sha256(token);
    const value = await redis.get(linkKey(hash));
    if (!value) return null;
    const [id = "", kind] = value.split(":");
    const hold = await load(id);
    return hold && (kind === "approve" || kind === "deny") ? { kind, hold, hash } : null;
  }

  /** ends a hold that no longer counts: decided "superseded" (unless already decided), both links deleted */
  async function supersede(id: string | null): Promise<Hold | null> {
    const hold = id ? await load(id) : null;
    if (!hold) return null;
    const won = await redis.set(decisionKey(hold.id), "superseded", "EX", keyTtl(hold), "NX");
    if (won) await redis.del(linkKey(hold.approveHash), linkKey(hold.denyHash));
    return won ? hold : null;
  }

  return {
    /** a new hold and its two links (the raw tokens go into the email only); the interaction's earlier hold, if still open, is superseded */
    async create(
      data: Omit<Hold, "id" | "createdAt" | "expiresAt" | "approveHash" | "denyHash">,
      ttlSeconds: number,
    ): Promise<{ hold: Hold; approveToken: string; denyToken: string; superseded: Hold | null }> {
      const approveToken = randomToken(32);
      const denyToken = randomToken(32);
      const hold: Hold = {
        ...data,
        id: randomToken(16),
        createdAt: clock.now().getTime(),
        expiresAt: clock.epoch() + ttlSeconds,
        approveHash: sha256(approveToken),
        denyHash: sha256(denyToken),
      };
      const ttl = keyTtl(hold);
      await redis.set(holdKey(hold.id), JSON.stringify(hold), "EX", ttl);
      await redis.set(linkKey(hold.approveHash), `${hold.id}:approve`, "EX", ttl);
      await redis.set(linkKey(hold.denyHash), `${hold.id}:deny`, "EX", ttl);
      // atomic swap: of two holds made in parallel for one interaction, the one swapped in first is superseded
      const previous = await redis.set(interactionKey(hold.interactionUid), hold.id, "EX", ttl, "GET");
      return { hold, approveToken, denyToken, superseded: await supersede(previous) };
    },

    /** the interaction gets no new hold (the user started over and was refused): its earlier one ends all the same */
    async supersedeFor(interactionUid: string): Promise<Hold | null> {
      return supersede(await redis.getdel(interactionKey(interactionUid)));
    },

    /** the hold's state now; null when it is gone altogether */
    async status(id: string): Promise<HoldStatus | null> {
      const hold = await load(id);
      if (!hold) return null;
      const decision = (await redis.get(decisionKey(hold.id))) as HoldDecision | null;
      if (decision) return { status: decision, hold };
      return { status: isExpired(hold) ? "expired" : "pending", hold };
    },

    /** what a link would do, deciding nothing (the GET of an emailed link) */
    async inspect(
      token: string,
    ): Promise<{ outcome: "valid"; kind: LinkKind; hold: Hold } | { outcome: "expired"; hold: Hold } | { outcome: "invalid" }> {
      const link = await linkOf(token);
      if (!link) return { outcome: "invalid" };
      if (await redis.exists(decisionKey(link.hold.id))) return { outcome: "invalid" };
      if (isExpired(link.hold)) return { outcome: "expired", hold: link.hold };
      return { outcome: "valid", kind: link.kind, hold: link.hold };
    },

    /** uses a link: once, and only while the hold waits; both links end */
    async decide(
      token: string,
    ): Promise<{ outcome: "approved" | "denied"; hold: Hold } | { outcome: "expired"; hold: Hold } | { outcome: "invalid" }> {
      const link = await linkOf(token);
      if (!link) return { outcome: "invalid" };
      if (isExpired(link.hold)) return { outcome: "expired", hold: link.hold };
      // the link itself is single use; of the two links only the first decision counts
      if ((await redis.getdel(linkKey(link.hash))) === null) return { outcome: "invalid" };
      const outcome = link.kind === "approve" ? "approved" : "denied";
      const won = await redis.set(decisionKey(link.hold.id), outcome, "EX", keyTtl(link.hold), "NX");
      await redis.del(linkKey(link.kind === "approve" ? link.hold.denyHash : link.hold.approveHash));
      return won ? { outcome, hold: link.hold } : { outcome: "invalid" };
    },

    /** records that the hold ran out; true only the first time (so its expiry is audited once) */
    async markExpired(hold: Hold): Promise<boolean> {
      if (!isExpired(hold)) return false;
      return (await redis.set(decisionKey(hold.id), "expired", "EX", keyTtl(hold), "NX")) === "OK";
    },
  };
}

export type Holds = ReturnType<typeof createHolds>;
