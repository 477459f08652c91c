// The Virtuozzo plugin's permission codes (registered by plugins/virtuozzo/index.ts), named once for the services.
export const VIRTUOZZO_PERMISSIONS = { sessionRead: "virtuozzo.session.read", linkManage: "virtuozzo.link.manage" } as const;
