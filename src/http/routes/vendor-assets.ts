// Browser libraries served from their npm packages on our own origin (never a CDN): a fixed list of files by the
// name in their URL, under /static/vendor/ (public/ has none of these names, so koa-static passes them on).
// Today @simplewebauthn/browser's UMD build (the global SimpleWebAuthnBrowser), used by public/js/passkeys.js.
import { createReadStream } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type Router from "@koa/router";

const require = createRequire(import.meta.url);
// the package exports only its modules: its folder is found from the CommonJS entry (script/index.js)
const simpleWebAuthnDir = join(dirname(require.resolve("@simplewebauthn/browser")), "..");

const ASSETS: Record<string, string> = {
  "simplewebauthn-browser.js": join(simpleWebAuthnDir, "dist/bundle/index.umd.min.js"),
};

export const VENDOR_BASE = "/static/vendor";

export function registerVendorAssets(router: Router, opts: { production: boolean }) {
  router.get(`${VENDOR_BASE}/:file`, (ctx, next) => {
    const file = Object.hasOwn(ASSETS, ctx.params.file ?? "") ? ASSETS[ctx.params.file!] : undefined;
    if (!file) return next();
    ctx.type = "text/javascript; charset=utf-8";
    ctx.set("Cache-Control", opts.production ? "public, max-age=86400" : "no-cache");
    ctx.body = createReadStream(file);
  });
}
