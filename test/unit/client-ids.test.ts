// A client id Gatehouse hands out never begins with "-": `gatehouse clients update <id>` (commander) would read it as
// an unknown option, which made one CLI test in 64 fail. 2,000 draws: an id beginning with "-" is drawn by chance
// with probability 1/64 each, so a regression passes this test with probability (63/64)^2000 < 1e-13.
import { describe, it, expect } from "vitest";
import { newClientId } from "../../src/services/clients.ts";

describe("new client ids", () => {
  it("are 22 base64url characters and never begin with a dash", () => {
    const ids = Array.from({ length: 2000 }, () => newClientId());
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
