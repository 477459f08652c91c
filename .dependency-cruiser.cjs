// The house's shape, checked in CI (`npm run lint:layers`, dependency-cruiser): no import circles, and layers
// that only point down: http (routes, pages) -> flows / oidc -> services -> queries -> db / lib; the core context
// (context.ts) builds no web pieces; services reach the OIDC layer only through ports they own.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    { name: "no-circular", severity: "error", comment: "files that import each other in a loop", from: {}, to: { circular: true } },
    {
      name: "wiring-not-web",
      severity: "error",
      comment: "the services are assembled (src/wiring) without requests, pages, the CLI or the process's context",
      from: { path: "^src/wiring/" },
      to: { path: "^src/(http|flows|cli|app\\.ts|server\\.ts|context\\.ts)" },
    },
    {
      name: "core-not-web",
      severity: "error",
      comment: "the core context knows nothing of requests: CSRF and rate limits are built in http/web-context.ts",
      from: { path: "^src/context\\.ts$" },
      to: { path: "^src/http/" },
    },
    {
      name: "services-not-up",
      severity: "error",
      comment:
        "services hold business rules without Koa, pages, the sign-in flow or the OIDC layer (they reach it through ports they own, e.g. sessions/session-store.ts)",
      from: { path: "^src/services/" },
      to: { path: "^src/(http|flows|oidc|cli|wiring|app\\.ts|server\\.ts|context\\.ts)" },
    },
    {
      name: "flows-not-http",
      severity: "error",
      comment: "the sign-in flow knows no Koa context, routes or pages",
      from: { path: "^src/flows/" },
      to: { path: "^src/(http|cli|app\\.ts|server\\.ts|context\\.ts)" },
    },
    {
      name: "oidc-not-http",
      severity: "error",
      comment: "the protocol layer does not reach into routes or pages",
      from: { path: "^src/oidc/" },
      to: { path: "^src/(http|flows|cli|app\\.ts|server\\.ts)" },
    },
    {
      name: "queries-down",
      severity: "error",
      comment: "queries only touch the database",
      from: { path: "^src/queries/" },
      to: { path: "^src/(http|flows|oidc|services|cli|context\\.ts|app\\.ts)" },
    },
    {
      name: "ground-floor",
      severity: "error",
      comment: "lib, db, config and authz depend on nothing above them",
      from: { path: "^src/(lib|db|config|authz)/" },
      to: { path: "^src/(http|flows|oidc|services|queries|cli|plugins|context\\.ts|app\\.ts)" },
    },
    {
      name: "resource-server-standalone",
      severity: "error",
      comment: "the resource-server kit is what services embed: jose and authz only",
      from: { path: "^src/resource-server/" },
      to: { path: "^src/(?!resource-server/|authz/)" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^src/generated/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".js", ".mjs"] },
  },
};
