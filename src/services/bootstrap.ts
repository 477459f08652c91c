// First admin from ADMIN_EMAIL/ADMIN_PASSWORD, created at start only while no admin exists.
import type { AppContext } from "../context.ts";

export async function bootstrapAdmin(app: AppContext): Promise<void> {
  const wanted = app.config.bootstrapAdmin;
  if (!wanted || (await app.services.accounts.adminExists())) return;
  const user = await app.services.accounts.createAdmin({ email: wanted.email, password: wanted.password });
  await app.services.audit.record({ type: "user.created", outcome: "success", userId: user.id, actorId: "bootstrap", data: { systemRole: user.systemRole } });
  app.log.info({ userId: user.id }, "first admin created from ADMIN_EMAIL");
}
