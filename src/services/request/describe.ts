// Where a request came from, in words, for security emails: IP, approximate location, browser and time.
import type { Geo } from "./geo.ts";
import { describeLocation } from "./geo.ts";
import { describeUserAgent } from "./user-agent.ts";
import type { RequestInfo } from "../notifications.ts";

export type RequestDescription = { ip: string; location: string; browser: string; time: string };

export function createRequestDescriber(geo: Geo) {
  return async (request: RequestInfo, at: Date): Promise<RequestDescription> => ({
    ip: request.ip ?? "an unknown address",
    location: describeLocation(await geo.lookup(request.ip).catch(() => null)),
    browser: describeUserAgent(request.userAgent).label,
    time: `${at.toISOString().replace("T", " ").slice(0, 16)} UTC`,
  });
}

export type RequestDescriber = ReturnType<typeof createRequestDescriber>;
