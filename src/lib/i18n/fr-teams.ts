// Français: a team's own pages (members, roles, invitations, ownership transfer, single sign-on, Virtuozzo) (keys and {placeholders} as in en-teams.ts).
import type { enTeams } from "./en-teams.ts";

export const frTeams: Record<keyof typeof enTeams, string> = {
};
