// Deutsch: the admin console's chrome (sidebar, breadcrumbs, tables) and its people screens: dashboard, users, teams, audit log (keys and {placeholders} as in en-admin.ts).
import type { enAdmin } from "./en-admin.ts";

export const deAdmin: Record<keyof typeof enAdmin, string> = {
};
