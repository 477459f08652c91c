// A small browser for tests: a cookie jar, manual redirects, and our forms submitted as a browser would
// (hidden fields kept, Origin header set). Enough to walk the real login and consent pages.
import { CookieJar } from "tough-cookie";

export type Page = { url: string; status: number; html: string; headers: Headers };

const decode = (s: string) =>
  s
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))
    .replace(/&#x([\da-f]+);/gi, (_, n: string) => String.fromCharCode(parseInt(n, 16)))
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");

export type Form = { action: string; method: string; fields: Record<string, string> };

/** the forms on a page, with their hidden inputs */
export function parseForms(html: string, baseUrl: string): Form[] {
  return [...html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)].map(([, attrs = "", body = ""]) => {
    const attr = (name: string, src: string) => decode(new RegExp(`\\b${name}="([^"]*)"`, "i").exec(src)?.[1] ?? "");
    const fields: Record<string, string> = {};
    for (const [input] of body.matchAll(/<input\b[^>]*>/gi)) {
      if (attr("type", input) === "hidden" && attr("name", input)) fields[attr("name", input)] = attr("value", input);
    }
    return {
      action: new URL(attr("action", attrs) || baseUrl, baseUrl).toString(),
      method: (attr("method", attrs) || "get").toLowerCase(),
      fields,
    };
  });
}

export class TestBrowser {
  readonly jar = new CookieJar();
  constructor(
    readonly origin: string,
    readonly userAgent = "Mozilla/5.0 (X11; Linux x86_64) GatehouseTest/1.0",
    /** the server sits behind a TLS-terminating proxy: URLs are https, the wire is plain HTTP with X-Forwarded-Proto */
    readonly behindTls = false,
  ) {}

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    const cookie = await this.jar.getCookieString(url);
    if (cookie) headers.set("cookie", cookie);
    headers.set("user-agent", this.userAgent);
    headers.set("accept", headers.get("accept") ?? "text/html");
    if (this.behindTls) headers.set("x-forwarded-proto", "https");
    const wire = this.behindTls ? url.replace(/^https:/, "http:") : url;
    const res = await fetch(wire, { ...init, headers, redirect: "manual" });
    for (const c of res.headers.getSetCookie()) await this.jar.setCookie(c, url, { ignoreError: true });
    return res;
  }

  /** GET (or the given request) and follow redirects until a page, or until a URL that starts with `stopAt` */
  async go(url: string, opts: { init?: RequestInit; stopAt?: string } = {}): Promise<Page> {
    let res = await this.request(url, opts.init);
    let current = url;
    for (let hops = 0; res.status >= 300 && res.status < 400 && hops < 20; hops++) {
      current = new URL(res.headers.get("location")!, current).toString();
      if (opts.stopAt && current.startsWith(opts.stopAt)) return { url: current, status: res.status, html: "", headers: res.headers };
      res = await this.request(current);
    }
    return { url: current, status: res.status, html: await res.text(), headers: res.headers };
  }

  /** submits the form whose action contains `actionPart`, with extra fields, as a same-origin browser would */
  async submit(
    page: Page,
    actionPart: string,
    fields: Record<string, string>,
    opts: { stopAt?: string; origin?: string | null } = {},
  ): Promise<Page> {
    const form = parseForms(page.html, page.url).find((f) => f.action.includes(actionPart));
    if (!form) throw new Error(`no form with action containing ${actionPart} on ${page.url}:\n${page.html.slice(0, 2000)}`);
    const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
    if (opts.origin !== null) headers.origin = opts.origin ?? this.origin;
    const body = new URLSearchParams({ ...form.fields, ...fields }).toString();
    return this.go(form.action, { init: { method: "POST", headers, body }, stopAt: opts.stopAt });
  }
}

/** a TestBrowser whose every request says Accept-Language: `language` (the languages tests) */
export class LanguageBrowser extends TestBrowser {
  constructor(
    origin: string,
    readonly language: string,
  ) {
    super(origin);
  }
  override request(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set("accept-language", this.language);
    return super.request(url, { ...init, headers });
  }
}
