// What an administrator may send to change the branding (branding.ts), the schemas every surface checks it with
// (the REST API documents its bodies with them): plain text without control characters, < or >, https links
// (http on loopback for development; mailto: for support too), #rrggbb colours.
import { z } from "zod";
import { HEX_COLOUR } from "../lib/brand.ts";
import { hasHiddenCharacter } from "./names.ts";

const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .refine((v) => !hasHiddenCharacter(v) && !/[<>]/.test(v), "plain text: no control characters, < or >");
/** https (http on loopback for development) or, for support, mailto: */
const link = (schemes: string[]) =>
  z
    .string()
    .trim()
    .max(500)
    .refine(
      (v) => {
        if (!v) return true;
        try {
          const url = new URL(v);
          return schemes.includes(url.protocol) || (url.protocol === "http:" && ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname));
        } catch {
          return false;
        }
      },
      `an absolute ${schemes.map((s) => s.replace(":", "")).join(" or ")} URL`,
    );
const colour = z
  .string()
  .trim()
  .refine((v) => !v || HEX_COLOUR.test(v), "a colour like #0b6e4f");

/** undefined: unchanged; "" or null: back to the default (BRAND_*) */
export const brandingInput = z.object({
  productName: text(60).nullish(),
  primaryColor: colour.nullish(),
  supportUrl: link(["https:", "mailto:"]).nullish(),
  termsUrl: link(["https:"]).nullish(),
  privacyUrl: link(["https:"]).nullish(),
  removeLogo: z.boolean().optional(),
});
export const clientBrandingInput = z.object({
  displayName: text(60).nullish(),
  primaryColor: colour.nullish(),
  removeLogo: z.boolean().optional(),
});
export type BrandingInput = z.input<typeof brandingInput> & { logo?: Uint8Array };
export type ClientBrandingInput = z.input<typeof clientBrandingInput> & { logo?: Uint8Array };
