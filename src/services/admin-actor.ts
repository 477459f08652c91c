// Who acts in a provider admin's action (a user id, or "cli") and from where: every such action is audited with it.
export type AdminActor = { actorId: string; ip?: string | null; userAgent?: string | null };
/** the surface an admin acts through: an admin page, the REST API or the CLI (audited as data.via) */
export type AdminSurface = "admin_page" | "api" | "cli";
/** an admin acting through a named surface (the API's token client too, where a use case records it) */
export type SurfaceActor = AdminActor & { via: AdminSurface; apiClientId?: string };
