// The cursor of a list ordered newest first by (created_at, id): base64url of the JSON [ISO time, id], opaque to
// callers. Decoding checks both parts, so a cursor that is not one of ours is simply refused (null).
import { UUID } from "./ids.ts";

export type KeysetPosition = { createdAt: Date; id: string };

export const encodeKeysetCursor = (row: KeysetPosition): string =>
  Buffer.from(JSON.stringify([row.createdAt.toISOString(), row.id])).toString("base64url");

/** the position in a cursor (its id a UUID), or null when it is not one of ours */
export function decodeKeysetCursor(cursor: string): KeysetPosition | null {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown[];
    const createdAt = new Date(String(at));
    return typeof id === "string" && UUID.test(id) && !Number.isNaN(createdAt.getTime()) ? { createdAt, id } : null;
  } catch {
    return null;
  }
}
