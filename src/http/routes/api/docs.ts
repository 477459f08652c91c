// The API's documentation: GET /api/v1/openapi.json (the OpenAPI 3.1 document, declared in the registry like
// every other route), and /api/docs, Swagger UI browsing it. Its script and styles come from the swagger-ui-dist
// package, served from node_modules under /api/docs/assets/ by a fixed list of files (never a CDN, never a path
// from the URL); it is started by public/js/api-docs.js (no inline script) and runs under the site's strict CSP
// (its styles come from swagger-ui.css; React sets style properties through the CSSOM, which style-src does not
// govern). One viewer only (#20, the lean image): /api/redoc, the ReDoc page of earlier versions (redoc pulled
// 108 packages into production), now redirects to /api/docs.
import { createReadStream } from "node:fs";
import { createRequire } from "node:module";
import type Router from "@koa/router";
import type { Context } from "koa";
import { z } from "zod";
import { defineRoute, type ApiRoute, type OpenApiDocument } from "./openapi.ts";

const require = createRequire(import.meta.url);

/** the files the docs pages load, by the name in their URL */
const ASSETS: Record<string, { file: string; type: string }> = {
  "swagger-ui.css": { file: require.resolve("swagger-ui-dist/swagger-ui.css"), type: "text/css; charset=utf-8" },
  "swagger-ui-bundle.js": { file: require.resolve("swagger-ui-dist/swagger-ui-bundle.js"), type: "text/javascript; charset=utf-8" },
};

export const ASSET_BASE = "/api/docs/assets";
export const SPEC_PATH = "/api/v1/openapi.json";

const BASE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
];
/** the docs page's CSP: the site's strict policy */
export const docsCsp = (production: boolean) => ({
  swagger: [...BASE_CSP, ...(production ? ["upgrade-insecure-requests"] : []), "style-src 'self'", "worker-src 'none'"].join("; "),
});

/** the openapi.json route, answering the document `document()` builds (once) */
export function docsRoutes(document: () => OpenApiDocument): ApiRoute[] {
  return [
    defineRoute({
      method: "get",
      path: SPEC_PATH,
      tags: ["Docs"],
      access: { token: "public" },
      summary: "This document",
      description:
        "The OpenAPI 3.1 document of the API, built from the same zod schemas that validate requests. Browse it at /api/docs (Swagger UI).",
      response: {
        status: 200,
        description: "the OpenAPI document",
        schema: z.record(z.string(), z.unknown()).meta({ description: "an OpenAPI 3.1 document" }),
      },
      handle: () => document() as unknown as Record<string, unknown>,
    }),
  ];
}

const page = (title: string, head: string, body: string) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
${head}
</head>
<body>
<noscript><p>This page needs JavaScript. The API's OpenAPI document is at <a href="${SPEC_PATH}">${SPEC_PATH}</a>.</p></noscript>
${body}
</body>
</html>
`;

const SWAGGER_PAGE = page(
  "Gatehouse API: Swagger UI",
  `<link rel="stylesheet" href="${ASSET_BASE}/swagger-ui.css">`,
  `<div id="swagger-ui" data-spec-url="${SPEC_PATH}"></div>
<script src="${ASSET_BASE}/swagger-ui-bundle.js"></script>
<script src="/static/js/api-docs.js"></script>`,
);

/** /api/docs and its assets; /api/redoc (gone) redirects there */
export function registerDocsPages(router: Router, opts: { production: boolean }): void {
  const html = (body: string, csp: string) => (ctx: Context) => {
    ctx.set("Content-Security-Policy", csp);
    ctx.set("Cache-Control", "no-cache");
    ctx.type = "html";
    ctx.body = body;
  };
  const csp = docsCsp(opts.production);
  router.get("/api/docs", html(SWAGGER_PAGE, csp.swagger));
  router.get("/api/redoc", (ctx) => {
    ctx.status = 301;
    ctx.redirect("/api/docs");
  });
  router.get(`${ASSET_BASE}/:file`, (ctx, next) => {
    const asset = Object.hasOwn(ASSETS, ctx.params.file ?? "") ? ASSETS[ctx.params.file!] : undefined;
    if (!asset) return next(); // the API's JSON 404
    ctx.type = asset.type;
    ctx.set("Cache-Control", opts.production ? "public, max-age=86400" : "no-cache");
    ctx.body = createReadStream(asset.file);
  });
}
