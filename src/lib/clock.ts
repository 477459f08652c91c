// Time comes from here so tests can move it.
export type Clock = { now(): Date; epoch(): number };

export const systemClock: Clock = {
  now: () => new Date(),
  epoch: () => Math.floor(Date.now() / 1000),
};
