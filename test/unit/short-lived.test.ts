// lib/short-lived.ts and lib/lazy-module.ts: one read per period, shared by every caller; forget and a failed read
// make the next caller read again; a lazy module is read once for good.
import { describe, it, expect } from "vitest";
import { shortLived } from "../../src/lib/short-lived.ts";
import { lazyModule } from "../../src/lib/lazy-module.ts";

describe("shortLived", () => {
  it("shares one read per period, reads again after it or after forget", async () => {
    let clock = 0;
    let reads = 0;
    const value = shortLived(
      async () => ++reads,
      1000,
      () => clock,
    );
    expect(await Promise.all([value.get(), value.get()])).toEqual([1, 1]);
    clock = 999;
    expect(await value.get()).toBe(1);
    clock = 1000;
    expect(await value.get()).toBe(2);
    value.forget();
    expect(await value.get()).toBe(3);
  });

  it("a failed read is not kept: the next caller reads again", async () => {
    let fail = true;
    const value = shortLived(
      async () => {
        if (fail) throw new Error("down");
        return "up";
      },
      60_000,
      () => 0,
    );
    await expect(value.get()).rejects.toThrow("down");
    fail = false;
    expect(await value.get()).toBe("up");
  });

  it("a lazy module loads once, however long it lives, unless loading failed", async () => {
    let loads = 0;
    const mod = lazyModule(async () => {
      loads++;
      if (loads === 1) throw new Error("not yet");
      return { ok: true };
    });
    await expect(mod()).rejects.toThrow("not yet");
    expect(await mod()).toEqual({ ok: true });
    await mod();
    expect(loads).toBe(2);
  });
});
