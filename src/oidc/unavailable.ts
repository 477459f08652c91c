// oidc-provider's endpoints when Postgres or Redis is not there: the adapter and findAccount turn such a failure
// into the spec's `temporarily_unavailable` with status 503 (the authorization endpoint redirects it to the
// relying party, the token, userinfo and introspection endpoints answer it as JSON, pages show it), and every
// 503 the provider answers carries Retry-After. Anything else is left as it was (a bug stays a 500).
import { errors, type KoaContextWithOIDC } from "oidc-provider";
import type { Logger } from "../lib/logger.ts";
import { isDependencyUnavailable, RETRY_AFTER_SECONDS } from "../db/unavailable.ts";

export function temporarilyUnavailable(cause: unknown): Error {
  const err = new errors.TemporarilyUnavailable("Gatehouse cannot reach its database right now; try again in a few seconds", { cause });
  return Object.assign(err, { status: 503, statusCode: 503, expose: true });
}

/** what oidc-provider's configuration needs of the guard (configuration.ts) */
export type UnavailableGuard = { call<T>(where: string, fn: () => Promise<T>): Promise<T> };

export function createUnavailableGuard(log: Logger) {
  const convert = (err: unknown, where: string): unknown => {
    if (!isDependencyUnavailable(err)) return err;
    log.warn(
      { err: { message: (err as Error).message, code: (err as { code?: unknown }).code }, where },
      "dependency unavailable: answering 503",
    );
    return temporarilyUnavailable(err);
  };
  return {
    /** runs fn; a dependency failure becomes temporarily_unavailable (503) */
    async call<T>(where: string, fn: () => Promise<T>): Promise<T> {
      try {
        return await fn();
      } catch (err) {
        throw convert(err, where);
      }
    },
    /** the same for every method of an oidc-provider adapter */
    adapter<A extends object>(adapter: A, model: string): A {
      // one wrapper per method, made on its first use (the provider calls them on every request)
      const wrapped = new Map<PropertyKey, { of: unknown; call: (...args: unknown[]) => Promise<unknown> }>();
      return new Proxy(adapter, {
        get(target, prop, receiver) {
          const value = Reflect.get(target, prop, receiver) as unknown;
          if (typeof value !== "function") return value;
          const known = wrapped.get(prop);
          if (known?.of === value) return known.call;
          const where = `${model}.${String(prop)}`;
          const call = async (...args: unknown[]) => {
            try {
              return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
            } catch (err) {
              throw convert(err, where);
            }
          };
          wrapped.set(prop, { of: value, call });
          return call;
        },
      });
    },
    /** provider middleware: a 503 asks the client to come back shortly */
    retryAfter: async (ctx: KoaContextWithOIDC, next: () => Promise<void>) => {
      await next();
      if (ctx.status === 503 && !ctx.response.get("Retry-After")) ctx.set("Retry-After", String(RETRY_AFTER_SECONDS));
    },
  };
}
