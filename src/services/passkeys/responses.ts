// The browser's answers (navigator.credentials.create/get as JSON, from @simplewebauthn/browser), parsed
// before any verification: a string of at most MAX_RESPONSE_CHARS holding JSON of the expected shape, every
// binary field base64url of a bounded length. Anything else is "malformed" and nothing is looked up.
import { z } from "zod";
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from "@simplewebauthn/server";

export const MAX_RESPONSE_CHARS = 16_384;

const b64url = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[A-Za-z0-9_-]+={0,2}$/);
const common = {
  id: b64url(1366),
  rawId: b64url(1366),
  type: z.literal("public-key"),
  authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
};

const registrationSchema = z.object({
  ...common,
  response: z
    .object({
      clientDataJSON: b64url(4096),
      attestationObject: b64url(8192),
      transports: z.array(z.string().max(32)).max(8).optional(),
    })
    .passthrough(),
});

const authenticationSchema = z.object({
  ...common,
  response: z
    .object({
      clientDataJSON: b64url(4096),
      authenticatorData: b64url(2048),
      signature: b64url(1024),
      userHandle: z.string().max(128).optional(),
    })
    .passthrough(),
});

function parse<T>(schema: z.ZodType, raw: unknown): T | null {
  let value = raw;
  if (typeof raw === "string") {
    if (raw.length > MAX_RESPONSE_CHARS) return null;
    try {
      value = JSON.parse(raw);
    } catch {
      return null;
    }
  }
  const parsed = schema.safeParse(value);
  return parsed.success ? (parsed.data as T) : null;
}

export const parseRegistration = (raw: unknown) => parse<RegistrationResponseJSON>(registrationSchema, raw);
export const parseAuthentication = (raw: unknown) => parse<AuthenticationResponseJSON>(authenticationSchema, raw);
