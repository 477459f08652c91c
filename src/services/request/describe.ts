// Where a request came from, in words, for security emails: IP, approximate location, browser and time.
import type { Geo } from "./geo.ts";
import { describeLocation } from "./geo.ts";
import { describeUserAgent } from "./user-agent.ts";
/** the request something happened in, as emails and audit events describe it */
export type RequestInfo = { ip: string | null; userAgent: string | null };

/** `time`: in words, UTC; `at`: the same instant, for an email that writes it in its reader's language and time zone */
export type RequestDescription = { ip: string; location: string; browser: string; time: string; at: Date };

export function createRequestDescriber(geo: Geo) {
  return async (request: RequestInfo, at: Date): Promise<RequestDescription> => ({
    ip: request.ip ?? "an unknown address",
    location: describeLocation(await geo.lookup(request.ip).catch(() => null)),
    browser: describeUserAgent(request.userAgent).label,
    time: `${at.toISOString().replace("T", " ").slice(0, 16)} UTC`,
    at,
  });
}

export type RequestDescriber = ReturnType<typeof createRequestDescriber>;
