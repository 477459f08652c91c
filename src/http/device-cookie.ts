// The trusted-device cookie: a long-lived random value (only its sha256 is stored, see services/devices), named
// gh.device, __Host-gh.device in production; HttpOnly, SameSite=Lax, Secure in production, path /, Max-Age the
// trusted-device lifetime. Written by hand because Koa's cookies send Expires only, not Max-Age.
import type { Context } from "koa";
import type { Config } from "../config/load.ts";

export function createDeviceCookie(config: Pick<Config, "isProduction" | "deviceApproval">) {
  const name = config.isProduction ? "__Host-gh.device" : "gh.device";
  return {
    name,
    /** this browser's device cookie value, if any (the service ignores anything not shaped like one) */
    read: (ctx: Context): string | undefined => ctx.cookies.get(name) ?? undefined,
    /** sets (or refreshes) the cookie for the whole trusted-device lifetime */
    write(ctx: Context, value: string): void {
      const maxAge = config.deviceApproval.trustedTtl;
      const expires = new Date(Date.now() + maxAge * 1000).toUTCString();
      const attributes = [
        `${name}=${value}`,
        "Path=/",
        `Max-Age=${maxAge}`,
        `Expires=${expires}`,
        "HttpOnly",
        "SameSite=Lax",
        ...(config.isProduction ? ["Secure"] : []),
      ];
      ctx.append("Set-Cookie", attributes.join("; "));
    },
  };
}

export type DeviceCookie = ReturnType<typeof createDeviceCookie>;
