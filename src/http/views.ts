// Server-rendered pages: eta with escaping on, one Eta instance for the process.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Eta } from "eta";

export const VIEWS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../views");

export type Views = { render(page: string, locals: Record<string, unknown>): Promise<string> };

export function createViews(opts: { cache: boolean }): Views {
  const eta = new Eta({ views: VIEWS_DIR, autoEscape: true, cache: opts.cache });
  return { render: (page, locals) => eta.renderAsync(page, locals) };
}
