// The brand as pages and emails read it (branding.ts), kept in memory by each process: every page and email reads
// the brand. A write through this process replaces its copy at once; other processes (workers, other replicas, a
// CLI run) read the row again after CACHE_MS (30 s): a change shows everywhere within half a minute. A failed
// read keeps the last brand (or the configured one), so an error page still renders while the database is away.
import type { Brand } from "../lib/brand.ts";
import type { Clock } from "../lib/clock.ts";
import type { Logger } from "../lib/logger.ts";
import type { BrandingQueries, BrandSettings, ClientBrand } from "../queries/branding.ts";
import { brandDefaultsOf, clientBrandOf, siteBrandOf, type ClientSiteBrand, type SiteBrand } from "./site-brand.ts";

export const BRAND_CACHE_MS = 30_000;

export function createBrandStore(deps: {
  queries: BrandingQueries;
  defaults: Brand;
  issuer: string;
  clock: Clock;
  log: Logger;
  cacheMs?: number;
}) {
  const cacheMs = deps.cacheMs ?? BRAND_CACHE_MS;
  const defaults = brandDefaultsOf(deps.defaults);
  const fallback: SiteBrand = { ...deps.defaults, supportUrl: null, termsUrl: null, privacyUrl: null };
  let site: { brand: SiteBrand; row: BrandSettings | null; at: number } | null = null;
  const clients = new Map<string, { row: ClientBrand | null; at: number }>();
  const fresh = (at: number) => deps.clock.now().getTime() - at < cacheMs;

  async function loadSite(): Promise<{ brand: SiteBrand; row: BrandSettings | null }> {
    if (site && fresh(site.at)) return site;
    try {
      const row = await deps.queries.settings();
      site = { brand: siteBrandOf(row, defaults, deps.issuer), row, at: deps.clock.now().getTime() };
      return site;
    } catch (err) {
      deps.log.warn({ err: { message: (err as Error).message } }, "reading the branding failed; the last known brand is used");
      return site ?? { brand: fallback, row: null };
    }
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
      if (cached && fresh(cached.at)) return clientBrandOf(base, cached.row, clientId, deps.issuer);
      const row = await deps.queries.clientBrand(clientId).catch(() => cached?.row ?? null);
      if (clients.size > 1000) clients.clear(); // bounded: a client id comes from the request
      clients.set(clientId, { row, at: deps.clock.now().getTime() });
      return clientBrandOf(base, row, clientId, deps.issuer);
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
