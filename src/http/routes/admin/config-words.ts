// The words of the admin configuration screens (clients, sign-in providers, keys, webhooks, outbox, branding,
// roles; lib/i18n/en-admin-config.ts) as their routes say them: titles, notices, refusals and confirmation texts in
// the page's language when http/locale.ts translates that page, else in English (a half-translated page would
// carry a wrong lang attribute), and the sort headers' labels (sorting.ts) in the same words.
import type { Context } from "koa";
import { pageLanguage, type Say } from "../../locale.ts";
import type { Locale } from "../../../lib/i18n/index.ts";
import type { SortHeader } from "./sorting.ts";

export type { Say };

/** the translator for admin page `page` ("clients", "confirm"...) of this request */
export function sayFor(ctx: Context, page: string, fallback: Locale): Say {
  return pageLanguage(ctx, `admin/${page}`, fallback).say;
}

/** the sort headers with their labels (message keys) said */
export function saidHeaders(headers: Record<string, SortHeader>, say: Say): Record<string, SortHeader> {
  return Object.fromEntries(Object.entries(headers).map(([col, h]) => [col, { ...h, label: say(h.label) }]));
}
