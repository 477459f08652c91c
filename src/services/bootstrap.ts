// First admin: from ADMIN_EMAIL/ADMIN_PASSWORD, created at start only while no admin exists; or in the browser
// at /admin-register with the first-run setup token, which only the operator sees (printed at start).
import type { AccountService } from "./accounts.ts";
import type { AuditService } from "./audit.ts";
import type { PasswordPolicy } from "./password-policy.ts";
import { createHmac } from "node:crypto";
import { StartupError } from "../lib/startup-error.ts";
import { constantTimeEqual } from "../lib/crypto.ts";

/**
 * The first-run setup token: derived from the master key (stable across restarts, nothing stored), useless once
 * an administrator exists. Without it, whoever reached a fresh instance first could make themself Super Admin.
 */
export function firstRunSetupToken(masterKey: Buffer): string {
  return createHmac("sha256", masterKey).update("gatehouse first-run setup v1").digest("base64url");
}

export const isFirstRunSetupToken = (masterKey: Buffer, candidate: unknown) =>
  typeof candidate === "string" && constantTimeEqual(candidate, firstRunSetupToken(masterKey));

export async function bootstrapAdmin(
  deps: { accounts: AccountService; audit: AuditService; passwordPolicy: PasswordPolicy },
  wanted: { email: string; password: string } | undefined,
): Promise<string | undefined> {
  if (!wanted || (await deps.accounts.adminExists())) return undefined;
  const verdict = await deps.passwordPolicy.check(wanted.password, { email: wanted.email });
  if (!verdict.ok) throw new StartupError(`ADMIN_PASSWORD: ${verdict.message}`);
  const user = await deps.accounts.createAdmin({ email: wanted.email, password: wanted.password });
  await deps.audit.record({
    type: "user.created",
    outcome: "success",
    userId: user.id,
    actorId: "bootstrap",
    data: { systemRole: user.systemRole },
  });
  return user.id;
}
