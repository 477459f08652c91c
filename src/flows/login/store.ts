// Where a login waits between requests: one short-lived Redis record per interaction (`flow:login:{uid}`), at
// most 5 minutes a step unless the step asks for longer, never past the interaction itself. Taking a state is
// atomic (GETDEL): of two parallel requests only one goes on.
import type { RedisClient } from "../../db/redis.ts";
import type { FlowClock, LoginState } from "./types.ts";

export const PRE_AUTH_MAX_SECONDS = 300;

/** seconds the state may live: the cap, but never past the interaction's own expiry (at least 1) */
export function preAuthTtl(interactionExp: number, now: number, max = PRE_AUTH_MAX_SECONDS): number {
  return Math.max(1, Math.min(max, Math.floor(interactionExp - now)));
}

export type LoginStore = ReturnType<typeof createLoginStore>;

export function createLoginStore(redis: RedisClient, clock: FlowClock) {
  const key = (uid: string) => `flow:login:{${uid}}`;
  // Redis expires the key on its own; this keeps the rule with the application's clock too
  const live = (raw: string | null): LoginState | null => {
    if (!raw) return null;
    const state = JSON.parse(raw) as LoginState;
    return state.expiresAt > clock.epoch() ? state : null;
  };

  return {
    /** the state the login waits in (null: none, or expired) */
    current: async (uid: string): Promise<LoginState | null> => live(await redis.get(key(uid))),

    /** waits in `state` for `ttl` seconds at most (never past the interaction) */
    async save<S extends LoginState>(
      uid: string,
      interactionExp: number,
      state: Omit<S, "expiresAt">,
      ttl = PRE_AUTH_MAX_SECONDS,
    ): Promise<S> {
      const seconds = preAuthTtl(interactionExp, clock.epoch(), ttl);
      const saved = { ...state, expiresAt: clock.epoch() + seconds } as S;
      await redis.set(key(uid), JSON.stringify(saved), "EX", seconds);
      return saved;
    },

    /** takes the state (once): the one request that gets it goes on, a parallel one gets null */
    take: async (uid: string): Promise<LoginState | null> => live(await redis.getdel(key(uid))),

    /** ends whatever waits (a new first factor, a refusal that ends the login) */
    drop: async (uid: string): Promise<boolean> => (await redis.del(key(uid))) === 1,
  };
}
