// What the web layer adds to the application's core (context.ts): CSRF tokens and the rate limits in front of
// credential endpoints. Built here, above the core, so the core knows nothing of requests; routes and pages take
// this AppContext.
import type { CoreContext } from "../context.ts";
import { createCsrf, type Csrf } from "./csrf.ts";
import { createRateLimits, type RateLimits } from "./rate-limit.ts";

export type AppContext = CoreContext & { csrf: Csrf; rateLimits: RateLimits };

export function createWebContext(core: CoreContext): AppContext {
  const { config } = core;
  return {
    ...core,
    csrf: createCsrf({ cookieKeys: config.secrets.cookieKeys, secureCookies: config.isProduction, issuer: config.issuer }),
    rateLimits: createRateLimits({ redis: core.redis, embedded: core.embedded.redis, ...config.rateLimits }),
  };
}
