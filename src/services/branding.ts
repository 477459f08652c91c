// Branding set by administrators (#18): the instance's product name, logo, primary colour and support, terms and
// privacy links, and each client's own name, logo and colour on its sign-in and consent pages. One use case for
// the admin page, the REST API and the CLI (update, updateClient: check, write, audit as branding.updated).
// Stored in Postgres (queries/branding.ts); a column left empty falls back to its BRAND_* setting.
//
// Caching: every page and email reads the brand, so each process keeps it in memory. A write through this
// process replaces its copy at once; other processes (workers, other replicas, a CLI run) read the row again
// after CACHE_MS (30 s): a change shows everywhere within half a minute. A failed read keeps the last brand (or
// the configured one), so an error page still renders while the database is away.
import { z } from "zod";
import { brandOf, HEX_COLOUR, type Brand } from "../lib/brand.ts";
import type { Clock } from "../lib/clock.ts";
import type { Logger } from "../lib/logger.ts";
import type { BrandingQueries, BrandSettings, ClientBrand } from "../queries/branding.ts";
import { requestOf, type AdminActor } from "./admin-actor.ts";
import type { AuditService } from "./audit.ts";
import { checkLogo, logoPath } from "./brand-logo.ts";
import { hasHiddenCharacter } from "./names.ts";

export const BRAND_CACHE_MS = 30_000;

/** the brand pages and emails get as it.brand: lib/brand.ts's, plus the instance's links */
export type SiteBrand = Brand & { supportUrl: string | null; termsUrl: string | null; privacyUrl: string | null };
/** a client's sign-in and consent pages: the instance's brand in the client's logo and colour, and its name */
export type ClientSiteBrand = SiteBrand & { client: { name: string | null; logoUrl: string | null } };
export type BrandingVia = "admin_page" | "api" | "cli";

const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .refine((v) => !hasHiddenCharacter(v) && !/[<>]/.test(v), "plain text: no control characters, < or >");
/** https (http on loopback for development) or, for support, mailto: */
const link = (schemes: string[]) =>
  z
    .string()
    .trim()
    .max(500)
    .refine(
      (v) => {
        if (!v) return true;
        try {
          const url = new URL(v);
          return schemes.includes(url.protocol) || (url.protocol === "http:" && ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname));
        } catch {
          return false;
        }
      },
      `an absolute ${schemes.map((s) => s.replace(":", "")).join(" or ")} URL`,
    );
const colour = z
  .string()
  .trim()
  .refine((v) => !v || HEX_COLOUR.test(v), "a colour like #0b6e4f");

/** undefined: unchanged; "" or null: back to the default (BRAND_*) */
export const brandingInput = z.object({
  productName: text(60).nullish(),
  primaryColor: colour.nullish(),
  supportUrl: link(["https:", "mailto:"]).nullish(),
  termsUrl: link(["https:"]).nullish(),
  privacyUrl: link(["https:"]).nullish(),
  removeLogo: z.boolean().optional(),
});
export const clientBrandingInput = z.object({
  displayName: text(60).nullish(),
  primaryColor: colour.nullish(),
  removeLogo: z.boolean().optional(),
});
export type BrandingInput = z.input<typeof brandingInput> & { logo?: Uint8Array };
export type ClientBrandingInput = z.input<typeof clientBrandingInput> & { logo?: Uint8Array };

/** what an admin sees and sets: the stored values (null: the default applies) and the defaults */
export type BrandingView = {
  productName: string | null;
  logoUrl: string | null;
  primaryColor: string | null;
  supportUrl: string | null;
  termsUrl: string | null;
  privacyUrl: string | null;
  updatedAt: string | null;
  defaults: { productName: string; logoUrl: string | null; primaryColor: string | null };
};
export type ClientBrandingView = { clientId: string; displayName: string | null; logoUrl: string | null; primaryColor: string | null };

export type BrandingRefusal = {
  ok: false;
  code: "branding.invalid" | "branding.logo_empty" | "branding.logo_too_large" | "branding.logo_type" | "branding.client_not_found";
  message?: string;
};

const orNull = (v: string | null | undefined) => (v === undefined ? undefined : v?.trim() ? v.trim() : null);
const lower = (v: string | null | undefined) => (v ? v.toLowerCase() : v);
const keep = <T>(next: T | undefined, current: T) => (next === undefined ? current : next);

export function createBrandStore(deps: {
  queries: BrandingQueries;
  defaults: Brand;
  issuer: string;
  clock: Clock;
  log: Logger;
  cacheMs?: number;
}) {
  const cacheMs = deps.cacheMs ?? BRAND_CACHE_MS;
  const defaults = {
    name: deps.defaults.name,
    logoUrl: deps.defaults.logoUrl ?? undefined,
    primaryColor: deps.defaults.stylesheet ? deps.defaults.button.background : undefined,
  };
  const fallback: SiteBrand = { ...deps.defaults, supportUrl: null, termsUrl: null, privacyUrl: null };
  let site: { brand: SiteBrand; row: BrandSettings | null; at: number } | null = null;
  const clients = new Map<string, { row: ClientBrand | null; at: number }>();
  const fresh = (at: number) => deps.clock.now().getTime() - at < cacheMs;

  function siteOf(row: BrandSettings | null): SiteBrand {
    const brand = brandOf({
      name: row?.productName ?? defaults.name,
      logoUrl: row?.logoHash ? logoPath(row.logoHash) : defaults.logoUrl,
      primaryColor: row?.primaryColor ?? defaults.primaryColor,
      issuer: deps.issuer,
    });
    return { ...brand, supportUrl: row?.supportUrl ?? null, termsUrl: row?.termsUrl ?? null, privacyUrl: row?.privacyUrl ?? null };
  }

  async function loadSite(): Promise<{ brand: SiteBrand; row: BrandSettings | null }> {
    if (site && fresh(site.at)) return site;
    try {
      const row = await deps.queries.settings();
      site = { brand: siteOf(row), row, at: deps.clock.now().getTime() };
      return site;
    } catch (err) {
      deps.log.warn({ err: { message: (err as Error).message } }, "reading the branding failed; the last known brand is used");
      return site ?? { brand: fallback, row: null };
    }
  }

  function clientOf(base: SiteBrand, row: ClientBrand | null, clientId: string): ClientSiteBrand {
    const logoUrl = row?.logoHash ? logoPath(row.logoHash) : null;
    if (!row?.logoHash && !row?.primaryColor) return { ...base, client: { name: row?.displayName ?? null, logoUrl: null } };
    const brand = brandOf({
      name: base.name,
      logoUrl: logoUrl ?? base.logoUrl ?? undefined,
      primaryColor: row.primaryColor ?? (base.stylesheet ? base.button.background : undefined),
      issuer: deps.issuer,
    });
    // the client's colours get a stylesheet of their own (routes/brand-assets.ts), versioned like /brand.css
    const stylesheetHref = brand.stylesheetHref
      ? brand.stylesheetHref.replace("/brand.css", `/brand/clients/${encodeURIComponent(clientId)}.css`)
      : null;
    return {
      ...brand,
      stylesheetHref,
      supportUrl: base.supportUrl,
      termsUrl: base.termsUrl,
      privacyUrl: base.privacyUrl,
      client: { name: row.displayName, logoUrl },
    };
  }

  return {
    /** the instance's brand for pages and emails */
    current: async (): Promise<SiteBrand> => (await loadSite()).brand,
    /** the stored settings row (null: nothing set) */
    settingsRow: async () => (await loadSite()).row,
    /** the brand of a client's sign-in and consent pages */
    async forClient(clientId: string): Promise<ClientSiteBrand> {
      const base = (await loadSite()).brand;
      const cached = clients.get(clientId);
      if (cached && fresh(cached.at)) return clientOf(base, cached.row, clientId);
      const row = await deps.queries.clientBrand(clientId).catch(() => cached?.row ?? null);
      if (clients.size > 1000) clients.clear(); // bounded: a client id comes from the request
      clients.set(clientId, { row, at: deps.clock.now().getTime() });
      return clientOf(base, row, clientId);
    },
    clientRow: async (clientId: string) => deps.queries.clientBrand(clientId),
    logo: (hash: string) => (/^[0-9a-f]{64}$/.test(hash) ? deps.queries.logo(hash) : Promise.resolve(null)),
    defaults,
    /** after a write through this process: read again at the next use */
    invalidate(clientId?: string): void {
      site = null;
      if (clientId) clients.delete(clientId);
      else clients.clear();
    },
  };
}

export type BrandStore = ReturnType<typeof createBrandStore>;

function refusalOf(error: z.ZodError): BrandingRefusal {
  const issue = error.issues[0]!;
  return { ok: false, code: "branding.invalid", message: `${issue.path.join(".")}: ${issue.message}` };
}

export function createBrandingAdmin(deps: {
  store: BrandStore;
  queries: BrandingQueries;
  audit: AuditService;
  clock: Clock;
  clientExists: (id: string) => Promise<boolean>;
}) {
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

  return {
    async view(): Promise<BrandingView> {
      return viewOf(await deps.store.settingsRow(), deps.store.defaults);
    },

    async update(
      actor: AdminActor,
      via: BrandingVia,
      input: BrandingInput,
    ): Promise<{ ok: true; branding: BrandingView } | BrandingRefusal> {
      const parsed = brandingInput.safeParse(input);
      if (!parsed.success) return refusalOf(parsed.error);
      const logoHash = await storedLogo(input.logo);
      if (typeof logoHash === "object") return logoHash;
      const row = await deps.queries.settings();
      const v = parsed.data;
      const changes = {
        productName: keep(orNull(v.productName), row?.productName ?? null),
        primaryColor: keep(lower(orNull(v.primaryColor)), row?.primaryColor ?? null),
        supportUrl: keep(orNull(v.supportUrl), row?.supportUrl ?? null),
        termsUrl: keep(orNull(v.termsUrl), row?.termsUrl ?? null),
        privacyUrl: keep(orNull(v.privacyUrl), row?.privacyUrl ?? null),
        logoHash: logoHash ?? (v.removeLogo ? null : (row?.logoHash ?? null)),
      };
      const saved = await deps.queries.saveSettings(changes, actor.actorId, deps.clock.now());
      deps.store.invalidate();
      const changed = (Object.keys(changes) as (keyof typeof changes)[]).filter((k) => changes[k] !== (row?.[k] ?? null));
      await audit(actor, via, { changed });
      return { ok: true, branding: viewOf(saved, deps.store.defaults) };
    },

    async clientView(clientId: string): Promise<ClientBrandingView | null> {
      if (!(await deps.clientExists(clientId))) return null;
      return clientViewOf(clientId, await deps.store.clientRow(clientId));
    },

    async updateClient(
      actor: AdminActor,
      via: BrandingVia,
      clientId: string,
      input: ClientBrandingInput,
    ): Promise<{ ok: true; branding: ClientBrandingView } | BrandingRefusal> {
      if (!(await deps.clientExists(clientId))) return { ok: false, code: "branding.client_not_found" };
      const parsed = clientBrandingInput.safeParse(input);
      if (!parsed.success) return refusalOf(parsed.error);
      const logoHash = await storedLogo(input.logo);
      if (typeof logoHash === "object") return logoHash;
      const row = await deps.queries.clientBrand(clientId);
      const v = parsed.data;
      const changes = {
        displayName: keep(orNull(v.displayName), row?.displayName ?? null),
        primaryColor: keep(lower(orNull(v.primaryColor)), row?.primaryColor ?? null),
        logoHash: logoHash ?? (v.removeLogo ? null : (row?.logoHash ?? null)),
      };
      const saved = await deps.queries.saveClientBrand(clientId, changes, deps.clock.now());
      deps.store.invalidate(clientId);
      const changed = (Object.keys(changes) as (keyof typeof changes)[]).filter((k) => changes[k] !== (row?.[k] ?? null));
      await audit(actor, via, { clientId, changed });
      return { ok: true, branding: clientViewOf(clientId, saved) };
    },
  };
}

export type BrandingAdmin = ReturnType<typeof createBrandingAdmin>;

function viewOf(row: BrandSettings | null, defaults: BrandStore["defaults"]): BrandingView {
  return {
    productName: row?.productName ?? null,
    logoUrl: row?.logoHash ? logoPath(row.logoHash) : null,
    primaryColor: row?.primaryColor ?? null,
    supportUrl: row?.supportUrl ?? null,
    termsUrl: row?.termsUrl ?? null,
    privacyUrl: row?.privacyUrl ?? null,
    updatedAt: row ? row.updatedAt.toISOString() : null,
    defaults: { productName: defaults.name, logoUrl: defaults.logoUrl ?? null, primaryColor: defaults.primaryColor ?? null },
  };
}

const clientViewOf = (clientId: string, row: ClientBrand | null): ClientBrandingView => ({
  clientId,
  displayName: row?.displayName ?? null,
  logoUrl: row?.logoHash ? logoPath(row.logoHash) : null,
  primaryColor: row?.primaryColor ?? null,
});
