// English: the admin console's configuration screens: clients, sign-in providers, signing keys, webhooks, outbox, branding, roles (lib/i18n/en.ts merges it; de-admin-config.ts and fr-admin-config.ts have exactly these keys).
export const enAdminConfig = {
} satisfies Record<string, string>;
