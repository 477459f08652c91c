// A valid CSRF token for a signed-in test browser and a form binding whose page it may not open (an admin
// screen it lacks the permission for), made by the app's own CSRF code from that browser's CSRF cookie. With
// it, a refused POST is refused by the permission guard and not by the CSRF check, so a test of the guard can
// tell the two apart.
import type { Context } from "koa";
import type { TestApp } from "./test-app.ts";
import type { TestBrowser } from "./browser.ts";

export async function csrfTokenFor(t: TestApp, browser: TestBrowser, binding: string): Promise<string> {
  const cookies = await browser.jar.getCookies(t.url);
  // just what csrf.token reads: the browser's cookies; it never gets to set one (the browser must have it)
  const ctx = {
    cookies: {
      get: (name: string) => cookies.find((c) => c.key === name)?.value,
      set: () => {
        throw new Error("this browser has no CSRF cookie yet: open a page with a form first");
      },
    },
  } as unknown as Context; // a stand-in for the two cookie calls csrf.token makes, not a whole Koa context
  return t.app.csrf.token(ctx, binding);
}
