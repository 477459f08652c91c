// "Firefox 128 on Linux" from a User-Agent header (ua-parser-js 1.x, MIT), for emails and the sessions page.
import { UAParser } from "ua-parser-js";

export type DeviceDescription = { browser: string | null; os: string | null; label: string };

export function describeUserAgent(userAgent: string | null | undefined): DeviceDescription {
  if (!userAgent) return { browser: null, os: null, label: "an unknown browser" };
  const r = new UAParser(userAgent.slice(0, 512)).getResult();
  const major = r.browser.version?.split(".")[0];
  const browser = r.browser.name ? [r.browser.name, major].filter(Boolean).join(" ") : null;
  const os = r.os.name ? [r.os.name, r.os.version && r.os.name !== "Mac OS" ? r.os.version : null].filter(Boolean).join(" ") : null;
  const label = browser && os ? `${browser} on ${os}` : browser ?? os ?? "an unknown browser";
  return { browser, os, label };
}
