// The instance's branding (BRAND_* settings): product name, logo, primary colour, as pages and emails use them.
// The colour is checked with WCAG 2 contrast: button text is white, or a dark ink where white does not reach AA
// (4.5:1; one of them always does, so no colour is refused), and links take the colour only where it reads on the page (light theme);
// the dark theme keeps its own link colour. Pages get the colours from a same-origin stylesheet (/brand.css), so
// the CSP stays style-src 'self'; a logo is a same-origin path or a data: image (img-src 'self' data:).
import { createHash } from "node:crypto";

export const DEFAULT_BRAND_NAME = "Gatehouse";
/** the default primary (light theme) and its button text: what the stylesheet and the emails use without a brand */
const DEFAULT_PRIMARY = "#3443c4";
const WHITE = "#ffffff";
const INK = "#161a21"; // the light theme's --text
const LIGHT_SURFACE = "#ffffff";
const LIGHT_BG = "#f3f4f7";
export const AA = 4.5;

/** a same-origin path (not "//host") or a base64 data: image of a type browsers render */
export const LOGO_URL = /^(\/(?!\/)[A-Za-z0-9._~!$&'()*+,;=:@%/-]*|data:image\/(png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/]+={0,2})$/;
export const HEX_COLOUR = /^#[0-9a-fA-F]{6}$/;

export type Brand = {
  name: string;
  /** a same-origin path or a data: URL; null: the built-in mark */
  logoUrl: string | null;
  /** the logo for emails: a path made absolute with the issuer (mail clients block data: images); else null */
  emailLogoUrl: string | null;
  /** the button colours (emails use them too) */
  button: { background: string; text: string; hover: string };
  /** the link colour on light backgrounds (the brand's when it reads there, else the default) */
  link: string | null;
  /** /brand.css, or null without a brand colour (the built-in palette applies) */
  stylesheet: string | null;
  /** the stylesheet's URL, versioned by its content (it is cached) */
  stylesheetHref: string | null;
};

const channels = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
const toHex = (c: number[]) =>
  `#${c
    .map((v) =>
      Math.round(Math.max(0, Math.min(255, v)))
        .toString(16)
        .padStart(2, "0"),
    )
    .join("")}`;

/** WCAG 2 relative luminance of #rrggbb */
export function luminance(hex: string): number {
  const [r, g, b] = channels(hex).map((v) => {
    const x = v / 255;
    return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

/** WCAG 2 contrast ratio of two #rrggbb colours (1 to 21) */
export function contrast(a: string, b: string): number {
  const [x, y] = [luminance(a), luminance(b)];
  return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
}

/**
 * the text colour for a button of `background`: white when it reaches AA, else the theme's near-black when that
 * does, else black (which always does where white does not: white < 4.5:1 means a luminance above 0.18)
 */
export const textOn = (background: string) =>
  contrast(background, WHITE) >= AA ? WHITE : contrast(background, INK) >= AA ? INK : "#000000";

/** `hex` mixed toward black (amount > 0) or white (amount < 0), for a hover shade */
function shade(hex: string, amount: number): string {
  const target = amount > 0 ? 0 : 255;
  const k = Math.abs(amount);
  return toHex(channels(hex).map((v) => v + (target - v) * k));
}

/** the hover shade that keeps the button text readable: darker under white text, lighter under dark text */
function hoverOf(background: string, text: string): string {
  const hover = shade(background, text === WHITE ? 0.15 : -0.15);
  return contrast(hover, text) >= AA ? hover : background;
}

export function brandOf(settings: { name?: string; logoUrl?: string; primaryColor?: string; issuer?: string }): Brand {
  const name = settings.name?.trim() || DEFAULT_BRAND_NAME;
  const logoUrl = settings.logoUrl && LOGO_URL.test(settings.logoUrl) ? settings.logoUrl : null;
  const primary = settings.primaryColor && HEX_COLOUR.test(settings.primaryColor) ? settings.primaryColor.toLowerCase() : null;
  const background = primary ?? DEFAULT_PRIMARY;
  const text = textOn(background);
  const button = { background, text, hover: hoverOf(background, text) };
  const link = primary && Math.min(contrast(primary, LIGHT_SURFACE), contrast(primary, LIGHT_BG)) >= AA ? primary : null;
  const emailLogoUrl = logoUrl?.startsWith("/") && settings.issuer ? new URL(logoUrl, `${settings.issuer}/`).href : null;
  const stylesheet = primary ? stylesheetOf(button, link) : null;
  const stylesheetHref = stylesheet ? `/brand.css?v=${createHash("sha256").update(stylesheet).digest("hex").slice(0, 12)}` : null;
  return { name, logoUrl, emailLogoUrl, button, link, stylesheet, stylesheetHref };
}

/**
 * the custom properties the brand overrides, light and dark alike for the buttons (their text is chosen for the
 * colour), and the light theme's links when the colour reads as a link; the dark theme keeps its own links
 */
function stylesheetOf(button: Brand["button"], link: string | null): string {
  const props = `  --primary: ${button.background};\n  --primary-hover: ${button.hover};\n  --on-primary: ${button.text};\n`;
  const lightLink = link ? `  --link: ${link};\n` : "";
  return [
    "/* branding (BRAND_PRIMARY_COLOR): generated by Gatehouse */",
    `:root {\n${props}${lightLink}}`,
    `:root[data-theme="dark"] {\n${props}}`,
    `@media (prefers-color-scheme: dark) {\n  :root:not([data-theme="light"]) {\n${props.replace(/^/gm, "  ")}  }\n}`,
    "",
  ].join("\n");
}
