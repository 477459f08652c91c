// Standard Webhooks signing (https://www.standardwebhooks.com): a secret "whsec_<base64 key>", and for each
// message the headers webhook-id, webhook-timestamp (seconds) and webhook-signature "v1,<base64 HMAC-SHA256 of
// `id.timestamp.body`>", several signatures separated by spaces (during a secret rotation, the old and the new).
import { createHmac, randomBytes } from "node:crypto";

const PREFIX = "whsec_";

/** a new secret: 32 random bytes */
export const newWebhookSecret = (): string => `${PREFIX}${randomBytes(32).toString("base64")}`;

/** "v1,<signature>" of one message with one secret */
export function signWebhook(secret: string, id: string, timestampSeconds: number, body: string): string {
  const key = Buffer.from(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret, "base64");
  return `v1,${createHmac("sha256", key).update(`${id}.${timestampSeconds}.${body}`).digest("base64")}`;
}

/** the three headers of a delivery, signed with every secret given (the current one first) */
export function webhookHeaders(secrets: string[], id: string, timestampSeconds: number, body: string): Record<string, string> {
  return {
    "webhook-id": id,
    "webhook-timestamp": String(timestampSeconds),
    "webhook-signature": secrets.map((s) => signWebhook(s, id, timestampSeconds, body)).join(" "),
  };
}
