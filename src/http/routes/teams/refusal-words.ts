// The team services' refusals that carry values (a role's name, an address, a domain) said again in a team page's
// language: each English sentence's pattern (services/team-roles.ts, team-members.ts, invitations.ts,
// federation/team-domains.ts, virtuozzo/linking.ts) with the message key that says it (lib/i18n/en-teams.ts) and
// the names of its values. A text no pattern matches stays as the service wrote it.
import type { MessageKey } from "../../../lib/i18n/index.ts";

/** a key or a fixed English text in a page's language (shared.ts's `say`) */
type Say = (text: string, vars?: Record<string, string | number>) => string;

type Pattern = [RegExp, MessageKey, ...string[]];

export const REFUSAL_PATTERNS: readonly Pattern[] = [
  [/^You cannot grant permissions your own role does not have: (.+) and (\d+) more\.$/, "team.refusal.beyondMore", "codes", "count"],
  [/^You cannot grant permissions your own role does not have: (.+)\.$/, "team.refusal.beyond", "codes"],
  [/^This team already has a role called "(.+)"\.$/, "team.refusal.nameTaken", "name"],
  [/^"(.+)" is not a registered permission\.$/, "team.refusal.notRegistered", "grant"],
  [/^"(.+)" is not a permission code or wildcard \(like acme\.blog\.post\.update or acme\.blog\.\*\)\.$/, "team.refusal.notGrant", "grant"],
  [
    /^"(.+)" includes administrator permissions \(gatehouse\.admin\.\*\), which belong to system roles, not team roles\.$/,
    "team.refusal.adminGrant",
    "grant",
  ],
  [/^(.+) has permissions your role does not have, so you cannot edit it\.$/, "team.refusal.cannotEdit", "role"],
  [/^(.+) has permissions your role does not have, so you cannot delete it\.$/, "team.refusal.cannotDelete", "role"],
  [/^(.+) is a built-in role: it can be edited but not deleted\.$/, "team.refusal.builtIn", "role"],
  [/^1 member has the role (.+)\. Give them another role first\.$/, "team.refusal.inUseOne", "role"],
  [/^(\d+) members have the role (.+)\. Give each of them another role first\.$/, "team.refusal.inUseMany", "count", "role"],
  [
    /^(.+) has permissions your role does not have, so you cannot change the role of this member\.$/,
    "team.refusal.cannotChangeMember",
    "role",
  ],
  [/^(.+) has permissions your role does not have, so you cannot remove this member\.$/, "team.refusal.cannotRemoveMember", "role"],
  [/^You cannot give the role (.+): it has permissions your own role does not have\.$/, "team.refusal.cannotGive", "role"],
  [/^You cannot invite as (.+): it has permissions your own role does not have\.$/, "team.refusal.cannotInviteAs", "role"],
  [/^You cannot resend an invitation as (.+): it has permissions your own role does not have\.$/, "team.refusal.cannotResendAs", "role"],
  [/^(.+) is already a member of this team\.$/, "team.refusal.alreadyMember", "email"],
  [/^(.+) already has a pending invitation\. Resend or revoke it below\.$/, "team.refusal.alreadyInvited", "email"],
  [/^At most (\d+) group mappings\.$/, "team.refusal.tooManyMappings", "count"],
  [/^"(.+)" is not one of the team's roles \(Owner cannot be mapped\)\.$/, "team.refusal.notTeamRole", "role"],
  [/^(.+) is already one of this team's verified domains\.$/, "team.refusal.domainVerifiedHere", "domain"],
  [/^(.+) is verified by another team\.$/, "team.refusal.domainElsewhere", "domain"],
  [/^(.+) is already one of this team's domains\.$/, "team.refusal.domainHere", "domain"],
  [/^DNS did not answer for (.+)\. Try again in a moment\.$/, "team.refusal.dnsSilent", "name"],
  [
    /^The TXT record at (.+) does not hold (.+)\. Check the value \(it is case-sensitive\) and try again once DNS has the change\.$/,
    "team.refusal.txtMismatch",
    "name",
    "value",
  ],
  [
    /^There is no TXT record at (.+) yet\. Add one with the value (.+), then try again once DNS has the change\.$/,
    "team.refusal.txtMissing",
    "name",
    "value",
  ],
  [/^There is no client (.+)\.$/, "team.refusal.noClient", "id"],
];

/** a service's refusal in `say`'s language: its fixed text or key (the catalogue), else its pattern's key with its values */
export function sayRefusal(say: Say, text: string): string {
  const said = say(text);
  if (said !== text) return said;
  for (const [pattern, key, ...names] of REFUSAL_PATTERNS) {
    const match = pattern.exec(text);
    if (match) return say(key, Object.fromEntries(names.map((name, i) => [name, match[i + 1]!])));
  }
  return text;
}
