// A random source for tests: each call gives the next number of a sequence, so codes drawn in a test never
// collide (and never hit the "000000" / "111111" the tests use as wrong codes).
import type { RandomSource } from "../../src/lib/crypto.ts";

export function sequenceRandom(start = 200_000): RandomSource {
  let next = start;
  return { int: (min, max) => min + (next++ % (max - min)) };
}
