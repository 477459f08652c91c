// The trusted-device cookie's Set-Cookie line (pure: a stand-in context that records headers): gh.device with
// HttpOnly, SameSite=Lax, path /, Max-Age and Expires outside production; __Host-gh.device and Secure in it.
import { describe, it, expect } from "vitest";
import type { Context } from "koa";
import { createDeviceCookie } from "../../src/http/device-cookie.ts";

const settings = {
  policy: "without-2fa" as const,
  codeTtl: 300,
  maxAttempts: 5,
  resendCooldown: 60,
  trustedTtl: 86400,
  failuresPerUser: 10,
};
const VALUE = "a".repeat(43);

function written(isProduction: boolean): string[] {
  const headers: string[] = [];
  const ctx = {
    append: (name: string, value: string) => {
      if (name === "Set-Cookie") headers.push(value);
    },
  } as unknown as Context;
  createDeviceCookie({ isProduction, deviceApproval: settings }).write(ctx, VALUE);
  return headers;
}

describe("device cookie", () => {
  it("outside production: gh.device, HttpOnly, SameSite=Lax, path /, Max-Age, no Secure", () => {
    const [line, ...rest] = written(false);
    expect(rest).toEqual([]);
    const parts = line!.split("; ");
    expect(parts[0]).toBe(`gh.device=${VALUE}`);
    expect(parts).toEqual(expect.arrayContaining(["Path=/", "Max-Age=86400", "HttpOnly", "SameSite=Lax"]));
    expect(parts.find((p) => p.startsWith("Expires="))).toBeDefined();
    expect(parts).not.toContain("Secure");
    expect(line).not.toMatch(/Domain=/i);
  });

  it("in production: __Host-gh.device with Secure, path / and no Domain", () => {
    const parts = written(true)[0]!.split("; ");
    expect(parts[0]).toBe(`__Host-gh.device=${VALUE}`);
    expect(parts).toEqual(expect.arrayContaining(["Secure", "Path=/", "HttpOnly", "SameSite=Lax", "Max-Age=86400"]));
    expect(parts.join(";")).not.toMatch(/Domain=/i);
    expect(createDeviceCookie({ isProduction: true, deviceApproval: settings }).name).toBe("__Host-gh.device");
  });
});
