// Who acts in a provider admin's action (a user id, or "cli") and from where: every such action is audited with it.
export type AdminActor = { actorId: string; ip?: string | null; userAgent?: string | null };
