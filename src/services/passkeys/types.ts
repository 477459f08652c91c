// What the passkey use cases share: their dependencies and their refusal codes (lib/error-catalogue.ts words them).
import type { PasskeyQueries } from "../../queries/passkeys.ts";
import type { UserQueries } from "../../queries/users.ts";
import type { AuditService } from "../audit.ts";
import type { Notifications, RequestInfo } from "../notifications.ts";
import type { Clock } from "../../lib/clock.ts";
import type { Challenges } from "./challenges.ts";
import type { RelyingParty } from "./relying-party.ts";

export type { RequestInfo };

export type PasskeyDeps = {
  passkeys: PasskeyQueries;
  users: Pick<UserQueries, "findById">;
  challenges: Challenges;
  rp: RelyingParty;
  audit: AuditService;
  notifications: Pick<Notifications, "passkeyChanged">;
  clock: Clock;
};

export type PasskeyRefusal =
  | "passkey.malformed"
  | "passkey.challenge"
  | "passkey.rejected"
  | "passkey.duplicate"
  | "passkey.unknown"
  | "passkey.cloned"
  | "passkey.not_found"
  | "passkey.last_factor"
  | "passkey.none_left";
