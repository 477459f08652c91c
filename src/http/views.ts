// Server-rendered pages: eta with escaping on, one Eta instance for the process.
import { Eta } from "eta";
import { fromRoot } from "../lib/paths.ts";

export const VIEWS_DIR = fromRoot("views");

export type Views = { render(page: string, locals: Record<string, unknown>): Promise<string> };

export function createViews(opts: { cache: boolean }): Views {
  const eta = new Eta({ views: VIEWS_DIR, autoEscape: true, cache: opts.cache });
  return { render: (page, locals) => eta.renderAsync(page, locals) };
}
