// English: the admin console's chrome (sidebar, breadcrumbs, tables) and its people screens: dashboard, users, teams, audit log (lib/i18n/en.ts merges it; de-admin.ts and fr-admin.ts have exactly these keys).
export const enAdmin = {
} satisfies Record<string, string>;
