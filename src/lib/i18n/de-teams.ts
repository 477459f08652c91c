// Deutsch: a team's own pages (members, roles, invitations, ownership transfer, single sign-on, Virtuozzo) (keys and {placeholders} as in en-teams.ts).
import type { enTeams } from "./en-teams.ts";

export const deTeams: Record<keyof typeof enTeams, string> = {
};
