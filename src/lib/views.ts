// The templates of pages and emails (views/): eta with escaping on, one Eta instance for the process. Here, not in
// http/, because emails are rendered by services (the outbox) as well as pages by routes.
import { Eta } from "eta";
import { fromRoot } from "./paths.ts";
import { brandOf, type Brand } from "./brand.ts";
import { emphasised, isLocale, LOCALES, translator, type Locale, type MessageKey, type Translate } from "./i18n/index.ts";

export const VIEWS_DIR = fromRoot("views");

export type Views = { render(page: string, locals: Record<string, unknown>): Promise<string> };

/**
 * `brand`: the instance's branding (lib/brand.ts), given to every page and email as it.brand. A page whose locals
 * carry `locale` (lib/i18n) gets `t` (its messages, English where one is missing) and `lang`; others English
 */
export function createViews(opts: { cache: boolean; brand?: Brand }): Views {
  const eta = new Eta({ views: VIEWS_DIR, autoEscape: true, cache: opts.cache });
  const brand = opts.brand ?? brandOf({});
  const translators = Object.fromEntries(LOCALES.map((l) => [l, translator(l)])) as Record<Locale, Translate>;
  return {
    render: (page, locals) => {
      const lang = isLocale(locals.locale) ? locals.locale : "en";
      const t = translators[lang];
      // tStrong: the message as HTML with the `strong` values in <strong>, everything escaped (for <%~ %>)
      const tStrong = (key: MessageKey, strong: Record<string, string | number>, plain?: Record<string, string | number>) => emphasised(t, key, strong, plain);
      return eta.renderAsync(page, { brand, lang, t, tStrong, ...locals });
    },
  };
}
