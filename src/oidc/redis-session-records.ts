// How the Redis adapter keeps a session record dead once it is ended (redis-adapter.ts builds it; the ends
// themselves: redis-session-ends.ts). A uid key says "this session is alive" while it points at a record; the
// same key holds the session's clock (services/sessions/session-key.ts: the record id, exp, the pointer's end and
// the last activity), so it may outlive the pointer, whose end is written beside it; older forms read as before.
// An ended session leaves a tombstone in its uid's slot (`oidc:{uid:…}:ended`, as long as the longest session
// lives) and a marker beside its record (`oidc:{Session:jti}:ended`): a request in flight on that session must
// not bring it back when oidc-provider saves it at the end of the request, so a Session upsert points the uid at
// the record in one script that checks the tombstone (and takes back what it wrote if the session was ended),
// and `find` reads the record with its marker in one MGET (a marked record finds nothing).
import type { Redis } from "ioredis";
import { requestMemo } from "../lib/request-memo.ts";
import { memberForms, sessionEndedKey, tombstoneKey, uidKey, userIndexKey } from "./redis-keys.ts";
import type { StoredSession } from "./redis-session-ends.ts";
import { sessionPointer } from "../services/sessions/session-key.ts";

/** a session ended in this request: none of the sessions it read may be taken as live any more */
function forgetSessionsRead(): true {
  const memo = requestMemo();
  for (const key of memo?.keys() ?? [])
    if (key.startsWith("Session:") || key.startsWith("uid:") || key.startsWith("saved:")) memo!.delete(key);
  return true;
}

export function createSessionRecords(
  redis: Redis,
  destroyRecord: (model: string, id: string) => Promise<unknown>,
  opts: { grantIndexTtl: number; endedSessionTtl?: number },
) {
  const isEnded = async (uid: string) => Boolean(await redis.exists(tombstoneKey(uid)));
  const endedTtl = Math.max(1, opts.endedSessionTtl ?? opts.grantIndexTtl);
  /** the session's records (by id) are marked ended: a save of one by a request in flight is never found */
  const markRecordsEnded = (jtis: string[]) => Promise.all(jtis.map((jti) => redis.set(sessionEndedKey(jti), "1", "EX", endedTtl)));
  /** the tombstone: from now on no save of this session sticks (and what this request read of sessions is forgotten) */
  const markSessionEnded = (uid: string) => forgetSessionsRead() && redis.set(tombstoneKey(uid), "1", "EX", endedTtl);

  /** a session record and what points at it: its uid key (when it still names this record) and its index entry */
  async function destroySession(jti: string, session: StoredSession | null): Promise<void> {
    const writes: Promise<unknown>[] = [destroyRecord("Session", jti)];
    if (session?.uid) {
      const uid = session.uid;
      requestMemo()?.delete(`uid:${uid}`);
      writes.push(redis.get(uidKey(uid)).then((current) => (sessionPointer(current) === jti ? redis.del(uidKey(uid)) : 0)));
    }
    if (session?.accountId) writes.push(redis.hdel(userIndexKey(session.accountId), ...memberForms("Session", jti)));
    await Promise.all(writes);
  }

  return { isEnded, markRecordsEnded, markSessionEnded, destroySession };
}
