// First admin from ADMIN_EMAIL/ADMIN_PASSWORD, created at start only while no admin exists.
import type { AccountService } from "./accounts.ts";
import type { AuditService } from "./audit.ts";

export async function bootstrapAdmin(
  deps: { accounts: AccountService; audit: AuditService },
  wanted: { email: string; password: string } | undefined,
): Promise<string | undefined> {
  if (!wanted || (await deps.accounts.adminExists())) return undefined;
  const user = await deps.accounts.createAdmin({ email: wanted.email, password: wanted.password });
  await deps.audit.record({ type: "user.created", outcome: "success", userId: user.id, actorId: "bootstrap", data: { systemRole: user.systemRole } });
  return user.id;
}
