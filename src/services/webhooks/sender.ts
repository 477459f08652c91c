// Sends one webhook POST: a timeout over the whole exchange, no redirects followed (a 3xx is a failure), only a 2xx
// counts as delivered, and (unless OUTBOUND_ALLOW_PRIVATE) no connection to loopback, private or other
// special-use addresses: a literal address is checked before connecting, a host name at connect time on every
// address it resolves to (so a name re-pointed after registration is refused too). What the receiver answers is
// read up to a small limit and dropped.
import http from "node:http";
import https from "node:https";
import dns from "node:dns";
import { isIP, type LookupFunction } from "node:net";
import { isSpecialUseAddress } from "../request/geo.ts";

export type WebhookSendOptions = { timeoutMs: number; allowPrivate: boolean; userAgent: string };
export type WebhookRequest = { url: string; headers: Record<string, string>; body: string };

const ANSWER_LIMIT = 64 * 1024;

export class WebhookRefused extends Error {}

/** a dns lookup that fails when any address the name resolves to is special-use */
const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, "", 0);
    const list = addresses as unknown as dns.LookupAddress[];
    const bad = list.find((a) => isSpecialUseAddress(a.address));
    if (bad)
      return callback(
        new WebhookRefused(
          `${hostname} resolves to a private or special-use address (${bad.address}); set OUTBOUND_ALLOW_PRIVATE to allow it`,
        ),
        "",
        0,
      );
    if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
    callback(null, list[0]!.address, list[0]!.family);
  });
};

/** the URL's host as an address, when it is one ("[::1]" -> "::1") */
const literalAddress = (url: URL) => {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  return isIP(host) ? host : null;
};

/** resolves with the status when the receiver answered 2xx; throws (with a short reason) otherwise */
export async function sendWebhook(req: WebhookRequest, opts: WebhookSendOptions): Promise<number> {
  const url = new URL(req.url);
  const literal = literalAddress(url);
  if (!opts.allowPrivate && (literal ? isSpecialUseAddress(literal) : url.hostname === "localhost")) {
    throw new WebhookRefused(`${url.hostname} is a private or special-use address; set OUTBOUND_ALLOW_PRIVATE to allow it`);
  }
  const transport = url.protocol === "https:" ? https : http;
  const status = await new Promise<number>((resolve, reject) => {
    const request = transport.request(
      url,
      {
        method: "POST",
        headers: {
          ...req.headers,
          "content-type": "application/json",
          "content-length": Buffer.byteLength(req.body),
          "user-agent": opts.userAgent,
        },
        signal: AbortSignal.timeout(opts.timeoutMs),
        agent: false,
        ...(opts.allowPrivate ? {} : { lookup: guardedLookup }),
      },
      (res) => {
        let read = 0;
        res.on("data", (chunk: Buffer) => {
          read += chunk.length;
          if (read > ANSWER_LIMIT) res.destroy(); // the answer does not matter, only its status
        });
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("close", () => resolve(res.statusCode ?? 0));
        res.on("error", () => resolve(res.statusCode ?? 0));
      },
    );
    request.on("error", (err: Error & { code?: string }) => {
      reject(err.name === "AbortError" || err.code === "ABORT_ERR" ? new Error(`no answer within ${opts.timeoutMs} ms`) : err);
    });
    request.end(req.body);
  });
  if (status >= 300 && status < 400) throw new Error(`HTTP ${status}: redirects are not followed`);
  if (status < 200 || status >= 300) throw new Error(`HTTP ${status}`);
  return status;
}
