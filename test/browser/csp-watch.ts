// How the browser tests see Content-Security-Policy violations: a securitypolicyviolation listener in every
// document a context opens (an init script, which runs outside the page's CSP, reporting through an exposed
// function at once) and chromium's own console message on a page. A page with JavaScript off has no event to
// catch: its console message is all there is.
import type { BrowserContext, Page } from "playwright-core";

export type RecordViolation = (violation: string) => void;

/** reports every violation event in every document of `context` (call before its pages open) */
export async function watchContextCsp(
  context: BrowserContext,
  record: RecordViolation,
  opts: { javaScript?: boolean } = {},
): Promise<void> {
  await context.exposeFunction("__ghCspViolation", record);
  if (opts.javaScript === false) return;
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      (window as unknown as { __ghCspViolation(v: string): void }).__ghCspViolation(
        `${location.pathname}: ${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`,
      );
    });
  });
}

/** reports chromium's console message for each violation on `page` */
export function watchPageCsp(page: Page, record: RecordViolation): void {
  page.on("console", (msg) => {
    if (/Content Security Policy/i.test(msg.text())) record(`${page.url()}: ${msg.text()}`);
  });
}

/** a new page of `context` with both watches on */
export async function watchedPage(context: BrowserContext, record: RecordViolation, opts: { javaScript?: boolean } = {}): Promise<Page> {
  await watchContextCsp(context, record, opts);
  const page = await context.newPage();
  watchPageCsp(page, record);
  return page;
}
