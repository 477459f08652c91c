// A service's refusal said by a message key and its values (lib/i18n/en-teams.ts's team.refusal.*), so a refusal's
// words live only in the catalogues: a page says the key in its own language, the REST API and the CLI show
// `message`, the English words of the same key (what they showed before the services refused by key; #13).
import { translator, type MessageKey } from "./index.ts";

export type RefusalValues = Record<string, string | number>;
/** what a refusal says: a message key and the values of its placeholders */
export type Said = { key: MessageKey; values?: RefusalValues };
/** a refusal's words: its key and values, and the English words they make */
export type Worded = Said & { message: string };

const english = translator("en");

/** the refusal `key` says with `values`, with its English words */
export const worded = (key: MessageKey, values?: RefusalValues): Worded => ({
  key,
  ...(values ? { values } : {}),
  message: english(key, values),
});

/** whether a value is a refusal's words (a key, maybe values), not a plain text */
export const isSaid = (value: unknown): value is Said =>
  typeof value === "object" && value !== null && typeof (value as { key?: unknown }).key === "string";

/** a refusal's words or a text (a message key, or a fixed English text the catalogue has) said by `say` */
export const sayRefusal = (say: (text: string, vars?: RefusalValues) => string, text: string | Said): string =>
  typeof text === "string" ? say(text) : say(text.key, text.values);
