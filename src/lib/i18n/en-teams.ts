// English: a team's own pages (members, roles, invitations, ownership transfer, single sign-on, Virtuozzo) (lib/i18n/en.ts merges it; de-teams.ts and fr-teams.ts have exactly these keys).
export const enTeams = {
} satisfies Record<string, string>;
