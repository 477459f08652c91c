// The words of the admin configuration screens (clients, sign-in providers, keys, webhooks, outbox, branding,
// roles; lib/i18n/en-admin-config.ts) as their routes say them: titles, notices, refusals and confirmation texts in
// the page's language when http/locale.ts translates that page, else in English (a half-translated page would
// carry a wrong lang attribute), and the sort headers' labels (sorting.ts) in the same words.
import type { Context } from "koa";
import { TRANSLATED_PAGES, localeOf } from "../../locale.ts";
import { translateText, translator, type Locale } from "../../../lib/i18n/index.ts";
import type { SortHeader } from "./sorting.ts";

/** a message key or a fixed English text (one a catalogue has), with its {placeholders} filled in */
export type Say = (text: string, vars?: Record<string, string | number>) => string;

/** the translator for admin page `page` ("clients", "confirm"...) of this request */
export function sayFor(ctx: Context, page: string, fallback: Locale): Say {
  const t = translator(TRANSLATED_PAGES.has(`admin/${page}`) ? localeOf(ctx, fallback) : "en");
  return (text, vars) => translateText(t, text, vars);
}

/** the sort headers with their labels (message keys) said */
export function saidHeaders(headers: Record<string, SortHeader>, say: Say): Record<string, SortHeader> {
  return Object.fromEntries(Object.entries(headers).map(([col, h]) => [col, { ...h, label: say(h.label) }]));
}
