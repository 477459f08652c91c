// Deutsch: the admin console's configuration screens: clients, sign-in providers, signing keys, webhooks, outbox, branding, roles (keys and {placeholders} as in en-admin-config.ts).
import type { enAdminConfig } from "./en-admin-config.ts";

export const deAdminConfig: Record<keyof typeof enAdminConfig, string> = {
};
