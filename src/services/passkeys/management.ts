// A user's passkeys as the account page and the admin area see them: list, rename, remove. Removing is one use
// case for the owner (the route has checked the password) and for an administrator (the caller has checked the
// admin may act on this user): the row and its audit event in one transaction, then the owner is emailed.
import type { PasskeyRow } from "../../queries/passkeys.ts";
import type { User } from "../../queries/users.ts";
import type { PasskeyDeps, RequestInfo } from "./types.ts";
import { keyKindOf, type KeyKind } from "./kinds.ts";
import { MAX_NAME_LENGTH } from "./registration.ts";
import { surfaceOf } from "../admin-actor.ts";

/** what a page or the API shows of a passkey (never the key itself) */
export type PasskeyView = {
  id: string;
  name: string;
  kind: KeyKind;
  deviceType: string;
  backedUp: boolean;
  transports: string[];
  aaguid: string;
  createdAt: Date;
  lastUsedAt: Date | null;
};

export const viewOf = (p: PasskeyRow): PasskeyView => ({
  id: p.id,
  name: p.name,
  kind: keyKindOf(p),
  deviceType: p.deviceType,
  backedUp: p.backedUp,
  transports: p.transports,
  aaguid: p.aaguid,
  createdAt: p.createdAt,
  lastUsedAt: p.lastUsedAt,
});

/** a name as given: trimmed, 1-64 characters, no control characters; null when unusable */
export function cleanName(name: string): string | null {
  const trimmed = name.normalize("NFC").trim();
  if (!trimmed || trimmed.length > MAX_NAME_LENGTH || /\p{Cc}/u.test(trimmed)) return null;
  return trimmed;
}

export type RemoveOutcome =
  { outcome: "removed"; passkey: PasskeyView } | { outcome: "refused"; code: "passkey.not_found" | "passkey.last_factor" };
export type RenameOutcome =
  { outcome: "renamed"; passkey: PasskeyView } | { outcome: "refused"; code: "passkey.not_found" | "passkey.bad_name" };

export function createPasskeyManagement(deps: PasskeyDeps) {
  const { passkeys, users, audit, notifications } = deps;
  return {
    list: async (userId: string): Promise<PasskeyView[]> => (await passkeys.listFor(userId)).map(viewOf),

    /**
     * the user signs in with passkeys only from now on: the password is taken away (the route has checked it),
     * only while a passkey remains; audited as password.removed, the owner emailed. A password reset sets one again
     */
    async removePassword(
      user: User,
      request: RequestInfo,
    ): Promise<{ outcome: "removed" } | { outcome: "refused"; code: "passkey.none_left" }> {
      const removed = await passkeys.removePassword(user.id, deps.clock.now(), {
        type: "password.removed",
        outcome: "success",
        userId: user.id,
        ...request,
        data: {},
      });
      if (!removed) return { outcome: "refused", code: "passkey.none_left" };
      await notifications.passkeyChanged(user, request, "password_removed", "");
      return { outcome: "removed" };
    },
    count: (userId: string): Promise<number> => passkeys.countFor(userId),

    async rename(user: User, id: string, name: string, request: RequestInfo): Promise<RenameOutcome> {
      const clean = cleanName(name);
      if (!clean) return { outcome: "refused", code: "passkey.bad_name" };
      const row = UUID.test(id) ? await passkeys.rename(user.id, id, clean) : null;
      if (!row) return { outcome: "refused", code: "passkey.not_found" };
      await audit.record({
        type: "passkey.renamed",
        outcome: "success",
        userId: user.id,
        ...request,
        data: { passkeyId: id, name: clean },
      });
      return { outcome: "renamed", passkey: viewOf(row) };
    },

    /** removes one passkey of `userId`; `actorId`: the administrator doing it (absent: the owner), `via`: the surface (and the API's token client) */
    async remove(
      userId: string,
      id: string,
      by: { actorId?: string; via: "account_page" | "admin_page" | "api" | "cli"; apiClientId?: string },
      request: RequestInfo,
    ): Promise<RemoveOutcome> {
      // the owner never removes their last way in (an account without a password); an administrator may (the
      // user then gets back in through a password reset)
      const row = UUID.test(id)
        ? await passkeys.remove(
            userId,
            id,
            (r) => ({
              type: "passkey.removed",
              outcome: "success",
              userId,
              actorId: by.actorId ?? userId,
              ...request,
              data: { passkeyId: r.id, name: r.name, ...surfaceOf(by) },
            }),
            !by.actorId,
          )
        : null;
      if (row === "last_factor") return { outcome: "refused", code: "passkey.last_factor" };
      if (!row) return { outcome: "refused", code: "passkey.not_found" };
      const owner = await users.findById(userId);
      if (owner) await notifications.passkeyChanged(owner, request, "removed", row.name, Boolean(by.actorId && by.actorId !== userId));
      return { outcome: "removed", passkey: viewOf(row) };
    },
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type PasskeyManagement = ReturnType<typeof createPasskeyManagement>;
