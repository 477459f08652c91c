// Who acts in a provider admin's action (a user id, or "cli") and from where: every such action is audited with it.
export type AdminActor = { actorId: string; ip?: string | null; userAgent?: string | null };
/** the surface an admin acts through: an admin page, the REST API or the CLI (audited as data.via) */
export type AdminSurface = "admin_page" | "api" | "cli";
/** an admin acting through a named surface (the API's token client too, where a use case records it) */
export type SurfaceActor = AdminActor & { via: AdminSurface; apiClientId?: string };

/**
 * where a request came from, as audit records and the services that send mail or end sessions take it: what is
 * not known is null, never absent (team actions pass no request at all)
 */
export const requestOf = (from: { ip?: string | null; userAgent?: string | null } | undefined) => ({
  ip: from?.ip ?? null,
  userAgent: from?.userAgent ?? null,
});

/** an audit record's actor fields (actorId, ip, userAgent, in that order) for an admin's action */
export const auditedBy = (actor: AdminActor) => ({ actorId: actor.actorId, ...requestOf(actor) });

/**
 * the surface in an audit record's data (put it last, after the action's own fields): `via`, and the API's token
 * client where there was one; for the use cases that record the client (the others write `via` alone)
 */
export const surfaceOf = <Via extends string>(actor: { via: Via; apiClientId?: string }): { via: Via; apiClientId?: string } => ({
  via: actor.via,
  ...(actor.apiClientId ? { apiClientId: actor.apiClientId } : {}),
});
