// What the web layer adds to the application's core (context.ts): CSRF tokens, the rate limits in front of
// credential endpoints, and the sign-in flow engine over the services. Built here, above the core, so the core
// knows nothing of requests. Routes and pages take AppContext, which has no queries: they reach data only
// through services and flows.
import type { CoreContext } from "../context.ts";
import { createCsrf, type Csrf } from "./csrf.ts";
import { createRateLimits, type RateLimits } from "./rate-limit.ts";
import { createLoginEngine, type LoginEngine } from "../flows/login/engine.ts";
import { createMetrics, type Metrics } from "./metrics.ts";

/** the whole context the web layer is built from (what the test app holds too) */
export type WebContext = CoreContext & { csrf: Csrf; rateLimits: RateLimits; loginEngine: LoginEngine; metrics: Metrics };
/** what routes and pages take: everything but the queries (routes reach data through services and flows only) */
export type AppContext = Omit<WebContext, "queries">;

export function createWebContext(core: CoreContext): WebContext {
  const { config, services } = core;
  const rateLimits = createRateLimits({ redis: core.redis, embedded: core.embedded.redis, ...config.rateLimits });
  return {
    ...core,
    csrf: createCsrf({ cookieKeys: config.secrets.cookieKeys, secureCookies: config.isProduction, issuer: config.issuer }),
    rateLimits,
    // /metrics: the request histogram and gauges over the core's counters (served on METRICS_PORT instead when set)
    metrics: createMetrics({
      counters: core.telemetry.registry,
      outboxDepth: () => services.outbox.depth(),
      now: () => core.clock.now(),
      retention: services.retention,
      onMainPort: config.metricsPort === undefined,
    }),
    // the sign-in flow over this app's services (its rate limits are the web's)
    loginEngine: createLoginEngine({
      redis: core.redis,
      clock: core.clock,
      accounts: services.accounts,
      passwords: services.passwords,
      totp: services.totp,
      passkeys: services.passkeys,
      magicLinks: services.magicLinks,
      teams: services.teams,
      federation: {
        upstream: services.upstream,
        accounts: services.federatedAccounts,
        links: services.federatedLinking,
        realm: services.homeRealm,
        groupRoles: services.groupRoles,
      },
      enrolment: {
        requiredBy: services.mfaRequirements.requiredBy,
        totp: services.totp,
        enabled: (user, request) => services.notifications.twoFactorChanged(user, request, "enabled"),
      },
      risk: services.risk,
      devices: services.devices,
      sessions: services.sessions,
      audit: services.audit,
      signIns: core.queries.signIns,
      settings: {
        device: config.deviceApproval,
        singleSession: config.session.singleSession,
        interactionTtl: config.session.interactionTtl,
        riskAction: config.risk.action,
      },
      limits: {
        holdEmailsPerUser: rateLimits.riskHoldPerUser,
        deviceCodesPerIp: rateLimits.deviceCodePerIp,
        deviceCodesPerUser: rateLimits.deviceCodePerUser,
      },
    }),
  };
}
