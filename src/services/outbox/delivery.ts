// The outbox and the mailer that writes to it, built before the services (whose emails and back-channel logouts
// they carry); createContext starts the outbox's worker, the CLI never does (a running server sends what it queues).
import type { Config } from "../../config/load.ts";
import type { Clock } from "../../lib/clock.ts";
import type { Logger } from "../../lib/logger.ts";
import type { Telemetry } from "../../lib/telemetry.ts";
import type { OutboxQueries } from "../../queries/outbox.ts";
import { createMailer, type Mailer, type RenderPage } from "../mail/mailer.ts";
import { createOutbox, type Outbox } from "./outbox.ts";

export type Delivery = { outbox: Outbox; mailer: Mailer };

export function createDelivery(
  config: Config,
  queries: OutboxQueries,
  clock: Clock,
  log: Logger,
  render: RenderPage,
  telemetry?: Telemetry,
  productName?: () => Promise<string>,
): Delivery {
  const outbox = createOutbox({
    queries,
    clock,
    masterKey: config.secrets.masterKey,
    log,
    settings: config.outbox,
    ...(telemetry ? { counts: telemetry } : {}),
  });
  const mailer = createMailer({
    smtpUrl: config.mail.smtpUrl,
    from: config.mail.from,
    render,
    log,
    outbox,
    messageIdHost: new URL(config.issuer).hostname,
    productName: productName ?? config.brand.name,
    defaultLocale: config.defaultLocale,
  });
  return { outbox, mailer };
}
