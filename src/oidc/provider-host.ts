// Owns the oidc-provider instance. Its signing keys are fixed at construction, so when the key set in
// Postgres changes (a rotation here or in another process) a new instance is built and swapped in; requests
// in flight finish on the old one. Every process polls every KEY_REFRESH_SECONDS.
import Provider from "oidc-provider";
import mount from "koa-mount";
import type { Middleware } from "koa";
import type { Logger } from "../lib/logger.ts";
import type { SigningKeyService } from "../services/signing-keys.ts";
import { providerConfiguration, type ProviderDeps } from "./configuration.ts";
import { logProviderEvents } from "./provider-events.ts";

export type ProviderHost = {
  readonly provider: Provider;
  /** Koa middleware that hands the request to the current provider */
  middleware: Middleware;
  /** reloads keys now; rebuilds the provider when they changed */
  refreshKeys(): Promise<boolean>;
  stop(): void;
};

export async function createProviderHost(
  deps: Omit<ProviderDeps, "jwks"> & {
    keys: SigningKeyService;
    log: Logger;
    /** called with every provider built (each key change builds one): its pre/post middleware (provider.use) */
    prepare?: (provider: Provider) => void;
  },
): Promise<ProviderHost> {
  const { config, keys, log } = deps;
  let fingerprint = "";
  let provider!: Provider;
  let mounted!: Middleware;

  async function build(): Promise<boolean> {
    const set = await keys.load();
    if (set.fingerprint === fingerprint) return false;
    const next = new Provider(config.issuer, providerConfiguration({ ...deps, jwks: set.keys }));
    next.proxy = config.trustProxy;
    next.maxIpsCount = config.proxyHops;
    logProviderEvents(next, log);
    deps.prepare?.(next);
    provider = next;
    mounted = mount(next) as unknown as Middleware;
    if (fingerprint) log.info({ keys: set.fingerprint }, "signing keys changed; provider rebuilt");
    fingerprint = set.fingerprint;
    return true;
  }

  await build();
  const timer = setInterval(() => {
    build().catch((err: unknown) => log.error({ err }, "reloading signing keys failed; keeping the current ones"));
  }, config.keys.refreshSeconds * 1000);
  timer.unref();

  return {
    get provider() {
      return provider;
    },
    middleware: (ctx, next) => mounted(ctx, next),
    refreshKeys: build,
    stop: () => clearInterval(timer),
  };
}
