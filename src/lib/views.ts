// The templates of pages and emails (views/): eta with escaping on, one Eta instance for the process. Here, not in
// http/, because emails are rendered by services (the outbox) as well as pages by routes.
import { Eta } from "eta";
import { fromRoot } from "./paths.ts";
import { brandOf, type Brand } from "./brand.ts";
import {
  emphasised,
  formatDateTime,
  formatDuration,
  isLocale,
  LANGUAGE_NAMES,
  LOCALES,
  textDirection,
  translator,
  type Locale,
  type MessageKey,
  type Translate,
} from "./i18n/index.ts";

export const VIEWS_DIR = fromRoot("views");

export type Views = { render(page: string, locals: Record<string, unknown>): Promise<string> };

/**
 * `brand`: the instance's branding (lib/brand.ts), given to every page and email as it.brand. A page whose locals
 * carry `locale` (lib/i18n) gets `t` (its messages, English where one is missing), `lang`, `dir`, and `tDate` /
 * `tDuration` (dates in its words, in locals.timeZone or UTC); others English
 */
export function createViews(opts: { cache: boolean; brand?: Brand | (() => Promise<Brand>) }): Views {
  const eta = new Eta({ views: VIEWS_DIR, autoEscape: true, cache: opts.cache });
  // a function: the brand administrators set (services/branding.ts), read (from its cache) at each render
  const fixed = typeof opts.brand === "function" ? null : (opts.brand ?? brandOf({}));
  const brandNow = typeof opts.brand === "function" ? opts.brand : async () => fixed!;
  const translators = Object.fromEntries(LOCALES.map((l) => [l, translator(l)])) as Record<Locale, Translate>;
  return {
    render: async (page, locals) => {
      const lang = isLocale(locals.locale) ? locals.locale : "en";
      const t = translators[lang];
      // tStrong: the message as HTML with the `strong` values in <strong>, everything escaped (for <%~ %>)
      const tStrong = (key: MessageKey, strong: Record<string, string | number>, plain?: Record<string, string | number>) =>
        emphasised(t, key, strong, plain);
      // dates in the page's language and the viewer's time zone (locals.timeZone: the account's; else UTC, named)
      const zone = typeof locals.timeZone === "string" ? locals.timeZone : null;
      const tDate = (value: Date | string | null | undefined, dateOnly = false) => formatDateTime(value, lang, zone, dateOnly);
      const tDuration = (seconds: number) => formatDuration(seconds, lang);
      return eta.renderAsync(page, {
        brand: await brandNow(),
        lang,
        dir: textDirection(lang),
        languages: LANGUAGE_NAMES,
        t,
        tStrong,
        tDate,
        tDuration,
        ...locals,
      });
    },
  };
}
