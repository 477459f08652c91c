// Writing and deleting the Redis adapter's records and their index entries (redis-adapter.ts builds it): a record's
// string at `oidc:{Model:id}` (record-codec.ts; a grant's is in its index: grant-records.ts), and the indexes that
// point at it: `oidc:{grant:…}` (what a grant issued), `oidc:{user:…}` (a user's sessions and grants) and
// `oidc:{userCode:…}`. Index members are a model's letter and the id ("R" + id; redis-keys.ts), members in full
// ("RefreshToken:id") of the older layout still read and go.
// Authorization codes are not in their grant's index: they live a minute, and exchanging one needs its grant.
// Every command touches one hash tag, so the same code runs on Redis Cluster.
import type { AdapterPayload } from "oidc-provider";
import type { Redis } from "ioredis";
import type { Clock } from "../lib/clock.ts";
import { requestMemo } from "../lib/request-memo.ts";
import type { AdapterCommands } from "./redis-adapter-scripts.ts";
import type { createGrantRecords } from "./grant-records.ts";
import {
  grantIndexKey,
  inGrantIndex,
  isMember,
  markerKey,
  member,
  memberForms,
  recordKey,
  splitMember,
  userCodeKey,
  userIndexKey,
} from "./redis-keys.ts";
import { encodeRecord } from "./record-codec.ts";

export function createRecordWrites(
  redis: Redis & AdapterCommands,
  grants: ReturnType<typeof createGrantRecords>,
  opts: { clock: Clock; grantIndexTtl: number },
) {
  const destroyRecord = (model: string, id: string): Promise<unknown> => {
    if (model === "Grant") return grants.remove(id);
    requestMemo()?.delete(`${model}:${id}`);
    return redis.del(recordKey(model, id), markerKey(model, id));
  };

  /** deletes a grant and everything issued under it (codes, tokens), as oidc-provider's revoke does */
  async function destroyGrant(grantId: string): Promise<void> {
    const members = (await redis.hkeys(grantIndexKey(grantId))).filter(isMember);
    await Promise.all([
      ...members.map((m) => {
        const { model, id } = splitMember(m);
        return destroyRecord(model, id);
      }),
      redis.del(grantIndexKey(grantId)),
      destroyRecord("Grant", grantId),
    ]);
  }

  /** a record's string (a grant is stored in its index: grant-records.ts) */
  function setRecord(model: string, id: string, payload: AdapterPayload, expiresIn?: number): Promise<unknown> {
    const [key, json] = [recordKey(model, id), encodeRecord(model, id, payload)];
    // a result is only ever written onto a live interaction: never one a parallel request has consumed
    const onlyIfLive = model === "Interaction" && payload.result !== undefined;
    if (!expiresIn) return onlyIfLive ? redis.set(key, json, "XX") : redis.set(key, json);
    return onlyIfLive ? redis.set(key, json, "EX", expiresIn, "XX") : redis.set(key, json, "EX", expiresIn);
  }

  /** a record and its indexes (grant, user, uid, user code) */
  async function writeRecord(model: string, id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const writes = [model === "Grant" ? grants.write(id, payload, expiresIn) : setRecord(model, id, payload, expiresIn)];
    if (payload.grantId && inGrantIndex(model)) {
      const now = opts.clock.epoch();
      const replaced = model === "RefreshToken" ? takeReplacedMember(payload.grantId) : undefined;
      const args = [
        grantIndexKey(payload.grantId),
        member(model, id),
        expiresIn ? now + expiresIn : 0,
        Math.max(expiresIn ?? 0, opts.grantIndexTtl),
        now,
      ] as const;
      writes.push(replaced ? redis.gatehouseIndexAdd(...args, ...memberForms("RefreshToken", replaced)) : redis.gatehouseIndexAdd(...args));
    }
    if ((model === "Session" || model === "Grant") && payload.accountId) {
      const now = opts.clock.epoch();
      writes.push(
        redis.gatehouseIndexAdd(
          userIndexKey(payload.accountId),
          member(model, id),
          expiresIn ? now + expiresIn : 0,
          Math.max(expiresIn ?? 0, opts.grantIndexTtl),
          now,
        ),
      );
    }
    if (payload.userCode)
      writes.push(expiresIn ? redis.set(userCodeKey(payload.userCode), id, "EX", expiresIn) : redis.set(userCodeKey(payload.userCode), id));
    await Promise.all(writes);
  }

  /**
   * a consumed code or token leaves its grant's index. A refresh token consumed in a request (a refresh) leaves
   * with its successor's index entry, written later in the same request (takeReplacedMember); a refresh that
   * fails before saving one leaves the member behind, harmless (pruned once its token's expiry has passed)
   */
  const leaveGrantIndex = (grantId: string, model: string, id: string): void => {
    const memo = requestMemo();
    if (model === "RefreshToken" && memo) memo.set(`replaced:${grantId}`, id);
    else redis.hdel(grantIndexKey(grantId), ...memberForms(model, id)).catch(() => {});
  };
  const takeReplacedMember = (grantId: string): string | undefined => {
    const memo = requestMemo();
    const replaced = memo?.get(`replaced:${grantId}`) as string | undefined;
    if (replaced) memo!.delete(`replaced:${grantId}`);
    return replaced;
  };

  return { destroyRecord, destroyGrant, writeRecord, leaveGrantIndex };
}
