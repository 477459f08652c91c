// Starts Gatehouse: config -> context -> app -> listen, prints where it runs, and stops cleanly.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { loadConfig, ConfigError, type Config } from "./config/load.ts";
import { createContext, type CoreContext } from "./context.ts";
import { createWebContext } from "./http/web-context.ts";
import { createApp } from "./app.ts";
import { bootstrapAdmin, firstRunSetupToken } from "./services/bootstrap.ts";
import { StartupError } from "./lib/startup-error.ts";
import { releaseStartUpMemory } from "./lib/start-up-memory.ts";
import { startBanner, startLogFields } from "./lib/start-banner.ts";
import { createLogger } from "./lib/logger.ts";
import { isWorker, runPrimary } from "./cluster.ts";
import cluster from "node:cluster";
import { serveMetricsPort } from "./lib/metrics-server.ts";

function banner(app: CoreContext, url: string, adminExists: boolean): string {
  const { config, embedded } = app;
  return startBanner({
    url,
    issuer: config.issuer,
    production: config.isProduction,
    embeddedDatabaseIn: embedded.database ? `${config.dataDir}/pglite` : undefined,
    embeddedRedis: embedded.redis,
    secretsGeneratedIn: config.secrets.generatedIn ?? undefined,
    mailbox: app.services.mailer.usesMailbox,
    adminExists,
    setupToken: firstRunSetupToken(config.secrets.masterKey),
  });
}

/** `flush`: runs last before the process exits after a signal (main.ts: the traces still batched) */
export async function startServer(env: NodeJS.ProcessEnv = process.env, hooks: { flush?: () => Promise<void> } = {}): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  if (config.workers > 1 && !isWorker()) return runPrimary(config, createLogger(config.logLevel));
  let app: CoreContext;
  try {
    app = await createContext(config);
  } catch (err) {
    if (err instanceof StartupError) {
      console.error(`Gatehouse could not start: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  await app.services.passwords.warmUp();
  const adminId = await bootstrapAdmin(app.services, config.bootstrapAdmin).catch(async (err: unknown) => {
    if (!(err instanceof StartupError)) throw err;
    console.error(`Gatehouse could not start: ${err.message}`);
    await app.close();
    process.exit(1);
  });
  if (adminId) app.log.info({ userId: adminId }, "first admin created from ADMIN_EMAIL");
  const web = createWebContext(app);
  const server = http.createServer(createApp(web).callback());
  server.keepAliveTimeout = 65_000;
  releaseStartUpMemory();
  await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host}:${port}`;
  // METRICS_PORT: a single process serves its own; with several workers the primary serves the sum (cluster.ts)
  const metricsServer =
    config.metricsPort !== undefined && !isWorker()
      ? await serveMetricsPort({
          port: config.metricsPort,
          host: config.host,
          text: web.metrics.text,
          contentType: web.metrics.contentType,
        })
      : undefined;
  if (metricsServer) app.log.info({ port: (metricsServer.address() as AddressInfo).port }, "metrics served on the management port");
  app.log.info(
    { url, issuer: config.issuer, embeddedDatabase: app.embedded.database, embeddedRedis: app.embedded.redis, env: config.env },
    "listening",
  );
  // with several workers, the first one prints the banner; production logs its start notice as one JSON line
  if (!isWorker() || cluster.worker?.id === 1) {
    const adminExists = await app.services.accounts.adminExists();
    if (config.isProduction) {
      const fields = startLogFields({ issuer: config.issuer, adminExists, setupToken: firstRunSetupToken(config.secrets.masterKey) });
      app.log.info(fields, fields.firstAdministrator ? "ready; no administrator yet: register the first at firstAdministrator" : "ready");
    } else process.stdout.write(banner(app, url, adminExists));
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    // readiness goes red first, so a load balancer stops sending new requests while this process still serves them
    app.readiness.drain();
    const delayMs = signal === "SIGTERM" ? config.shutdownDelaySeconds * 1000 : 0;
    if (delayMs) {
      app.log.info({ signal, seconds: config.shutdownDelaySeconds }, "shutting down: /readyz reports draining; still serving");
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
    app.log.info({ signal }, "shutting down: no new connections, finishing requests in flight");
    const force = setTimeout(() => {
      app.log.warn("forced shutdown after 10 s");
      process.exit(1);
    }, 10_000);
    force.unref();
    server.close();
    server.closeIdleConnections();
    metricsServer?.close();
    await new Promise<void>((resolve) => server.on("close", resolve));
    let code = 0;
    try {
      await app.close();
    } catch (err) {
      // still flush the logs and exit: a failure to close must not lose them or leave the process half-stopped
      app.log.error({ err }, "closing the stores failed");
      code = 1;
    }
    await hooks.flush?.().catch(() => {});
    await new Promise<void>((resolve) => app.log.flush(() => resolve()));
    process.exit(code);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}
