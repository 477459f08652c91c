// "Rotate the signing keys now", one use case for the admin page, the REST API and the CLI: each algorithm's next
// key becomes current (the old current stays published until the tokens it signed have expired), this process's
// provider signs with the new key at once (the listener context.ts installs; other processes, and a CLI run, reach
// running servers within KEY_REFRESH_SECONDS), and the rotation is audited as keys.rotated with who did it and
// through which surface.
import { auditedBy, type AdminActor } from "./admin-actor.ts";
import type { AuditService } from "./audit.ts";
import type { SigningKeyService } from "./signing-keys.ts";

export type RotationSurface = "admin_page" | "api" | "cli";
export type KeyRotationResult = { current: string; published: Awaited<ReturnType<SigningKeyService["list"]>> };

export function createKeyRotation(deps: { keys: SigningKeyService; audit: AuditService }) {
  let afterRotate: (() => Promise<unknown>) | undefined;
  return {
    /** what else must follow a rotation in this process (its provider reloading the keys); once, at start */
    onRotated(listener: () => Promise<unknown>): void {
      afterRotate = listener;
    },

    async rotate(actor: AdminActor, via: RotationSurface, extra: { apiClientId?: string } = {}): Promise<KeyRotationResult> {
      await deps.keys.ensureKeys();
      const current = await deps.keys.rotate();
      await afterRotate?.();
      await deps.audit.record({
        type: "keys.rotated",
        outcome: "success",
        ...auditedBy(actor),
        data: { current, via, ...extra },
      });
      return { current, published: (await deps.keys.list()).filter((k) => k.state !== "retired") };
    },
  };
}

export type KeyRotation = ReturnType<typeof createKeyRotation>;
