// An uploaded logo is checked by its bytes, never by its name or the type the browser claims: PNG, JPEG and WebP
// only. SVG is refused: it is a document that can carry script and external references, and although a strict
// CSP on /brand/logo would neuter it when opened directly, the same file also goes into emails and may be saved
// and reopened elsewhere; a raster logo has none of that risk, and every design tool exports one.
import { createHash } from "node:crypto";

export const LOGO_MAX_BYTES = 256 * 1024;
export const LOGO_TYPES = ["image/png", "image/jpeg", "image/webp"] as const;
export type LogoType = (typeof LOGO_TYPES)[number];

const startsWith = (bytes: Uint8Array, at: number, signature: number[]) => signature.every((b, i) => bytes[at + i] === b);
const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

/** the image type the bytes are (by their magic numbers), or null */
export function sniffLogoType(bytes: Uint8Array): LogoType | null {
  if (startsWith(bytes, 0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "image/png";
  if (startsWith(bytes, 0, [0xff, 0xd8, 0xff])) return "image/jpeg";
  if (startsWith(bytes, 0, ascii("RIFF")) && startsWith(bytes, 8, ascii("WEBP"))) return "image/webp";
  return null;
}

export type CheckedLogo =
  | { ok: true; hash: string; contentType: LogoType; bytes: Uint8Array }
  | { ok: false; code: "branding.logo_empty" | "branding.logo_too_large" | "branding.logo_type" };

export function checkLogo(bytes: Uint8Array): CheckedLogo {
  if (bytes.length === 0) return { ok: false, code: "branding.logo_empty" };
  if (bytes.length > LOGO_MAX_BYTES) return { ok: false, code: "branding.logo_too_large" };
  const contentType = sniffLogoType(bytes);
  if (!contentType) return { ok: false, code: "branding.logo_type" };
  return { ok: true, hash: createHash("sha256").update(bytes).digest("hex"), contentType, bytes };
}

/** where a stored logo is served (routes/brand-assets.ts) */
export const logoPath = (hash: string) => `/brand/logo/${hash}`;
