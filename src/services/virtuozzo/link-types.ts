// The types a team's platform link (linking.ts) shares between its parts: what linking needs (its dependencies),
// the credentials it is given, its refusals, the request it is audited with and the link as the Owner sees it.
import type { Logger } from "../../lib/logger.ts";
import type { TeamQueries } from "../../queries/teams.ts";
import type { VirtuozzoLinkQueries, VirtuozzoLinkRow } from "../../queries/virtuozzo-links.ts";
import type { AuditService } from "../audit.ts";
import type { TeamAccess } from "../team-roles.ts";
import type { RequestInfo } from "../notifications.ts";
import type { Platform } from "./platform.ts";
import type { SessionCache } from "./session-cache.ts";
import type { Worded } from "../../lib/i18n/refusal.ts";

export type Credentials = { login: string; password: string; platformUrl?: string };
/** why not: a message key with its values (team.refusal.vz*, lib/i18n/en-teams.ts) and their English words */
export type VirtuozzoRefusal =
  | ({ outcome: "forbidden" } & Worded)
  | ({ outcome: "invalid"; field: string } & Worded)
  | ({ outcome: "not_linked" } & Worded)
  | ({ outcome: "suspended" } & Worded)
  | ({ outcome: "credentials_refused" } & Worded)
  | ({ outcome: "group_refused"; groupType: string } & Worded)
  | ({ outcome: "unavailable" } & Worded)
  | ({ outcome: "malformed" } & Worded);
/** a request's details for the audit; `actorId`/`via` name who acted when it is not the Owner themself (the CLI: "cli") */
export type ActingRequest = RequestInfo & { actorId?: string; via?: string };
export type LinkView = { link: VirtuozzoLinkRow; state: "active" | "suspended" };

export type LinkingDeps = {
  links: VirtuozzoLinkQueries;
  teams: Pick<TeamQueries, "ownerOf">;
  access: TeamAccess;
  audit: AuditService;
  log: Logger;
  masterKey: Buffer;
  settings: { platformUrls: string[]; allowedGroupTypes: string[] };
  clientExists: (clientId: string) => Promise<boolean>;
  platform: Platform;
  cache: SessionCache;
};
