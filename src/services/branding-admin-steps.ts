// The steps an administrator's branding changes (branding.ts) share: what they need (their dependencies), the
// refusals, a new logo checked and stored by its hash, the audit record (branding.updated, with the surface as
// data.via), and how a sent value meets the stored one (undefined: unchanged; empty: back to the default).
import type { z } from "zod";
import type { Clock } from "../lib/clock.ts";
import type { BrandingQueries } from "../queries/branding.ts";
import { requestOf, type AdminActor } from "./admin-actor.ts";
import type { AuditService } from "./audit.ts";
import { checkLogo } from "./brand-logo.ts";
import type { BrandStore } from "./brand-store.ts";

export type BrandingVia = "admin_page" | "api" | "cli";
export type BrandingRefusal = {
  ok: false;
  code: "branding.invalid" | "branding.logo_empty" | "branding.logo_too_large" | "branding.logo_type" | "branding.client_not_found";
  message?: string;
};
export type BrandingAdminDeps = {
  store: BrandStore;
  queries: BrandingQueries;
  audit: AuditService;
  clock: Clock;
  clientExists: (id: string) => Promise<boolean>;
};

export const orNull = (v: string | null | undefined) => (v === undefined ? undefined : v?.trim() ? v.trim() : null);
export const lower = (v: string | null | undefined) => (v ? v.toLowerCase() : v);
export const keep = <T>(next: T | undefined, current: T) => (next === undefined ? current : next);

export function refusalOf(error: z.ZodError): BrandingRefusal {
  const issue = error.issues[0]!;
  return { ok: false, code: "branding.invalid", message: `${issue.path.join(".")}: ${issue.message}` };
}

export function createBrandingAdminSteps(deps: BrandingAdminDeps) {
  /** a new logo stored (by its hash), or a refusal; undefined: none given */
  async function storedLogo(bytes: Uint8Array | undefined): Promise<string | undefined | BrandingRefusal> {
    if (bytes === undefined) return undefined;
    const logo = checkLogo(bytes);
    if (!logo.ok) return { ok: false, code: logo.code };
    await deps.queries.saveLogo({ hash: logo.hash, contentType: logo.contentType, bytes: logo.bytes });
    return logo.hash;
  }

  async function audit(actor: AdminActor, via: BrandingVia, data: Record<string, string | string[] | null>) {
    await deps.audit.record({
      type: "branding.updated",
      outcome: "success",
      // not auditedBy: the CLI's change is recorded with no acting user (null), as it always was
      actorId: actor.actorId === "cli" ? null : actor.actorId,
      ...requestOf(actor),
      data: { via, ...data },
    });
  }

  return { storedLogo, audit };
}

export type BrandingAdminSteps = ReturnType<typeof createBrandingAdminSteps>;
