// The templates of pages and emails (views/): eta with escaping on, one Eta instance for the process. Here, not in
// http/, because emails are rendered by services (the outbox) as well as pages by routes.
import { Eta } from "eta";
import { fromRoot } from "./paths.ts";

export const VIEWS_DIR = fromRoot("views");

export type Views = { render(page: string, locals: Record<string, unknown>): Promise<string> };

export function createViews(opts: { cache: boolean }): Views {
  const eta = new Eta({ views: VIEWS_DIR, autoEscape: true, cache: opts.cache });
  return { render: (page, locals) => eta.renderAsync(page, locals) };
}
