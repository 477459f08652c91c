// Starts Gatehouse: config -> context -> app -> listen, prints where it runs, and stops cleanly.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { loadConfig, ConfigError, type Config } from "./config/load.ts";
import { createContext, type CoreContext } from "./context.ts";
import { createWebContext } from "./http/web-context.ts";
import { createApp } from "./app.ts";
import { bootstrapAdmin, firstRunSetupToken } from "./services/bootstrap.ts";
import { StartupError } from "./lib/startup-error.ts";
import { createLogger } from "./lib/logger.ts";
import { isWorker, runPrimary } from "./cluster.ts";
import cluster from "node:cluster";

function banner(app: CoreContext, url: string, adminExists: boolean): string {
  const { config, embedded } = app;
  const lines = [
    "",
    `Gatehouse is running at ${url}`,
    `  issuer:     ${config.issuer}`,
    `  discovery:  ${config.issuer}/.well-known/openid-configuration`,
  ];
  if (embedded.database) lines.push(`  database:   embedded PGlite in ${config.dataDir}/pglite (development only; set DATABASE_URL for production)`);
  if (embedded.redis) lines.push("  redis:      in-process store (development only, lost on restart; set REDIS_URL for production)");
  if (config.secrets.generatedIn) lines.push(`  secrets:    generated for development in ${config.secrets.generatedIn}`);
  if (app.services.mailer.usesMailbox) lines.push(`  mail:       no SMTP_URL: emails are kept at ${url}/dev/mailbox (development only)`);
  if (!adminExists) {
    lines.push("", "No admin account yet. Create the first admin in the browser (this link works until one exists):",
      `  ${config.issuer}/admin-register?setup=${firstRunSetupToken(config.secrets.masterKey)}`,
      "or on the command line (it prints a generated password once):",
      "  npm run create-admin -- --email you@example.com",
      "Then register a relying party and sign in through it with that email and password:",
      "  npm run create-client -- --name \"My app\" --redirect-uri http://localhost:8080/callback");
  } else {
    lines.push("", "Sign in through any registered client with an account's email or username and password.",
      "Register a client: npm run create-client -- --name \"My app\" --redirect-uri http://localhost:8080/callback");
  }
  return lines.join("\n") + "\n";
}

export async function startServer(env: NodeJS.ProcessEnv = process.env): Promise<void> {
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
  const server = http.createServer(createApp(createWebContext(app)).callback());
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host}:${port}`;
  app.log.info({ url, issuer: config.issuer, embeddedDatabase: app.embedded.database, embeddedRedis: app.embedded.redis, env: config.env }, "listening");
  // with several workers, the first one prints the banner
  if (!isWorker() || cluster.worker?.id === 1) process.stdout.write(banner(app, url, await app.services.accounts.adminExists()));

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, "shutting down: no new connections, finishing requests in flight");
    const force = setTimeout(() => { app.log.warn("forced shutdown after 10 s"); process.exit(1); }, 10_000);
    force.unref();
    server.close();
    server.closeIdleConnections();
    await new Promise<void>((resolve) => server.on("close", resolve));
    let code = 0;
    try {
      await app.close();
    } catch (err) {
      // still flush the logs and exit: a failure to close must not lose them or leave the process half-stopped
      app.log.error({ err }, "closing the stores failed");
      code = 1;
    }
    await new Promise<void>((resolve) => app.log.flush(() => resolve()));
    process.exit(code);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}
