// "Firefox 128 on Linux" from a User-Agent header (ua-parser-js 1.x, MIT), for emails and the sessions page.
import { UAParser } from "ua-parser-js";
import { LRUCache } from "lru-cache";

export type DeviceDescription = { browser: string | null; os: string | null; label: string };

/**
 * ua-parser-js's reading of a User-Agent (its first 512 characters): each sign-in asks for it more than once
 * (the session's device, its type, emails) with the same few headers, so recent answers are kept
 */
const parsed = new LRUCache<string, UAParser.IResult>({ max: 1000 });
export function parseUserAgent(userAgent: string): UAParser.IResult {
  const key = userAgent.slice(0, 512);
  let result = parsed.get(key);
  if (!result) parsed.set(key, (result = new UAParser(key).getResult()));
  return result;
}

export function describeUserAgent(userAgent: string | null | undefined): DeviceDescription {
  if (!userAgent) return { browser: null, os: null, label: "an unknown browser" };
  const r = parseUserAgent(userAgent);
  const major = r.browser.version?.split(".")[0];
  const browser = r.browser.name ? [r.browser.name, major].filter(Boolean).join(" ") : null;
  const os = r.os.name ? [r.os.name, r.os.version && r.os.name !== "Mac OS" ? r.os.version : null].filter(Boolean).join(" ") : null;
  const label = browser && os ? `${browser} on ${os}` : (browser ?? os ?? "an unknown browser");
  return { browser, os, label };
}
