// The Redis adapter's class: one instance per oidc-provider model (Session, Grant, RefreshToken, ...), over the parts
// the factory builds once (redis-adapter.ts: the record writes, grant records, consumption, the session records and
// the refresh check). oidc-provider constructs it with the model name alone, so the factory binds the parts in a
// subclass. What each method does with the records, and why, is in the files of those parts.
import { requestMemo } from "../lib/request-memo.ts";
import type { Adapter, AdapterPayload } from "oidc-provider";
import type { Redis } from "ioredis";
import type { AdapterCommands } from "./redis-adapter-scripts.ts";
import { grantIndexKey, isMember, recordKey, secondKey, splitMember, tombstoneKey, uidKey, userCodeKey } from "./redis-keys.ts";
import type { createGrantRecords } from "./grant-records.ts";
import type { createRefreshTokenRecords } from "./refresh-token-records.ts";
import type { createRecordWrites } from "./redis-record-writes.ts";
import type { createConsume } from "./redis-consume.ts";
import { decodeRecord } from "./record-codec.ts";
import type { StoredSession } from "./redis-session-ends.ts";
import { processEpoch, sessionPointer } from "../services/sessions/session-key.ts";

/** whether the refresh token (its stored payload) may be used now; false: "refresh token not found" */
export type RefreshCheck = (payload: AdapterPayload) => Promise<boolean>;

/** what every model's adapter shares (built once by the factory); refreshCheck is installed at start */
export type AdapterParts = {
  redis: Redis & AdapterCommands;
  grants: ReturnType<typeof createGrantRecords>;
  records: ReturnType<typeof createRecordWrites>;
  consumption: ReturnType<typeof createConsume>;
  refreshTokens: ReturnType<typeof createRefreshTokenRecords>;
  destroySession(jti: string, session: StoredSession | null): Promise<void>;
  atTokenEndpoint(): boolean;
  refreshCheck?: RefreshCheck;
};

export class RedisModelAdapter implements Adapter {
  constructor(
    readonly model: string,
    private readonly parts: AdapterParts,
  ) {}

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const memo = requestMemo();
    memo?.delete(`${this.model}:${id}`);
    const sessionUid = this.model === "Session" && typeof payload.uid === "string" ? payload.uid : undefined;
    // an ended session is never written again (a request in flight on it saves it in its finally): the uid
    // is pointed at the record after the record is written, by a script that checks the tombstone, so an end
    // landing at any moment either finds this record through the uid (and ends it) or makes us take it back
    const record = this.model === "RefreshToken" ? await this.parts.refreshTokens.toWrite(payload) : payload;
    const [, ended] = await Promise.all([
      this.parts.records.writeRecord(this.model, id, record, expiresIn),
      sessionUid
        ? this.parts.redis.gatehouseSessionUid(uidKey(sessionUid), tombstoneKey(sessionUid), id, expiresIn ?? 0, processEpoch())
        : 0,
    ]);
    if (ended) await this.parts.destroySession(id, payload as StoredSession);
    else if (sessionUid) {
      memo?.set(`uid:${sessionUid}`, id);
      memo?.set(`saved:${sessionUid}`, id); // the script found no tombstone (savedLive)
    }
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    // a session or an interaction is read once per request (the session guard, the pages and the provider each
    // ask for the session, the page and oidc-provider's interactionResult for the interaction; a write or an
    // end clears what was read). A copy read earlier never brings back an interaction a parallel request
    // consumed meanwhile: a result is only written onto a live one (writeRecord)
    if (this.model !== "Session" && this.model !== "Interaction") return this.read(id);
    const memo = requestMemo();
    const key = `${this.model}:${id}`;
    if (memo?.has(key)) return structuredClone(await (memo.get(key) as Promise<AdapterPayload | undefined>));
    const found = this.read(id);
    memo?.set(key, found);
    found.catch(() => memo?.delete(key));
    return structuredClone(await found);
  }

  /** the record as stored now (an ended session, a refused refresh: undefined) */
  async read(id: string): Promise<AdapterPayload | undefined> {
    if (this.model === "Grant") return this.parts.grants.find(id);
    const [stored, consumed] = await this.parts.redis.mget(recordKey(this.model, id), secondKey(this.model, id));
    if (!stored) return this.model === "RefreshToken" && !requestMemo()?.has(`token:${id}`) ? this.rotatedToken(id) : undefined;
    if (this.model === "RefreshToken") return this.refreshToken(decodeRecord(this.model, id, stored), consumed);
    const payload = decodeRecord(this.model, id, stored);
    // introspection and revocation without a type hint look the value up as every kind at once: once it is
    // found as an access token, its lookup as a refresh token needs no rotated-token read (ids are random)
    if (this.model === "AccessToken" || this.model === "ClientCredentials") requestMemo()?.set(`token:${id}`, true);
    if (this.model === "Session") {
      if (consumed) return undefined; // the session was ended
      if (typeof payload.uid === "string") requestMemo()?.set(`uid:${payload.uid}`, id);
      return payload;
    }
    return consumed ? { ...payload, consumed: Number(consumed) } : payload;
  }

  /** a refresh token's stored record: filled in from its grant (refresh-token-records.ts), shown to the refresh check */
  async refreshToken(stored: AdapterPayload, consumed: string | null | undefined): Promise<AdapterPayload | undefined> {
    // a rotated token presented again within the grace window is refused as it always was, grant or not
    if (consumed) this.parts.consumption.refuseWithinGrace(Number(consumed));
    const payload = await this.parts.refreshTokens.fromRecord(stored);
    if (!payload) return undefined;
    if (consumed) return { ...payload, consumed: Number(consumed) };
    if (this.parts.refreshCheck && this.parts.atTokenEndpoint() && !(await this.parts.refreshCheck(payload))) return undefined;
    return payload;
  }

  /** a refresh token rotated earlier (only its rotated entry is left), as oidc-provider needs to see its reuse (redis-consume.ts) */
  rotatedToken(id: string): Promise<AdapterPayload | undefined> {
    return this.parts.consumption.rotatedToken(id);
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    // the session this request already read under that uid (the guard read it by its cookie)
    const known = requestMemo()?.get(`uid:${uid}`) as string | undefined;
    const id = known ?? sessionPointer(await this.parts.redis.get(uidKey(uid)));
    return id ? this.find(id) : undefined;
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    const id = await this.parts.redis.get(userCodeKey(userCode));
    return id ? this.find(id) : undefined;
  }

  /** uses the code or token once (redis-consume.ts): a second use is refused, and may revoke its grant */
  consume(id: string): Promise<void> {
    return this.parts.consumption.consume(this.model, id);
  }

  async destroy(id: string): Promise<void> {
    requestMemo()?.delete(`${this.model}:${id}`);
    // a Session's uid key stays: oidc-provider destroys the old record just before saving it under a new id
    // at each sign-in (the uid key must not blink); logout drops it through forgetSession
    await this.parts.records.destroyRecord(this.model, id);
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    const index = grantIndexKey(grantId);
    const mine = (await this.parts.redis.hkeys(index)).filter((m) => isMember(m) && splitMember(m).model === this.model);
    if (!mine.length) return;
    await Promise.all([
      ...mine.map((m) => this.parts.records.destroyRecord(this.model, splitMember(m).id)),
      this.parts.redis.hdel(index, ...mine),
    ]);
  }
}
