// First admin from ADMIN_EMAIL/ADMIN_PASSWORD, created at start only while no admin exists.
import type { AccountService } from "./accounts.ts";
import type { AuditService } from "./audit.ts";
import type { PasswordPolicy } from "./password-policy.ts";
import { StartupError } from "../lib/startup-error.ts";

export async function bootstrapAdmin(
  deps: { accounts: AccountService; audit: AuditService; passwordPolicy: PasswordPolicy },
  wanted: { email: string; password: string } | undefined,
): Promise<string | undefined> {
  if (!wanted || (await deps.accounts.adminExists())) return undefined;
  const verdict = deps.passwordPolicy.check(wanted.password, { email: wanted.email });
  if (!verdict.ok) throw new StartupError(`ADMIN_PASSWORD: ${verdict.message}`);
  const user = await deps.accounts.createAdmin({ email: wanted.email, password: wanted.password });
  await deps.audit.record({ type: "user.created", outcome: "success", userId: user.id, actorId: "bootstrap", data: { systemRole: user.systemRole } });
  return user.id;
}
