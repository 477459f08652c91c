// One request's memory of what it already read from the stores (AsyncLocalStorage): the OIDC adapter keeps the
// sessions it found here, so the session guard, Gatehouse's pages and oidc-provider, all asking for the same
// session in one request, read it once. Outside a request there is none and nothing is kept.
import { AsyncLocalStorage } from "node:async_hooks";

const storage = new AsyncLocalStorage<Map<string, unknown>>();

/** runs `fn` (a request) with its own empty memo */
export const withRequestMemo = <T>(fn: () => Promise<T>): Promise<T> => storage.run(new Map(), fn);

/** this request's memo, if running inside one */
export const requestMemo = (): Map<string, unknown> | undefined => storage.getStore();
