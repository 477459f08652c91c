// Gatehouse's emails: each an HTML and a text part rendered from eta templates (escaping on) when the event
// happens, then written to the outbox (services/outbox/), whose worker sends it through SMTP_URL or, in
// development without SMTP, into the development mailbox. A send failure is retried with backoff and, after the
// last attempt, kept as a dead letter for administrators; it never changes what the user sees. Each email's
// Message-ID is derived from its outbox row, so a resend after a crash is the same message, not a second one.
import type { Transporter } from "nodemailer";
import { lazyModule } from "../../lib/lazy-module.ts";
import type { Logger } from "../../lib/logger.ts";
import type { NewOutboxMessage } from "../../queries/outbox.ts";
import type { Outbox } from "../outbox/outbox.ts";
import { EMAIL_SUBJECTS, type EmailTemplate } from "./templates.ts";
import { isLocale, translator, type Locale } from "../../lib/i18n/index.ts";
import { replaceHiddenCharacters } from "../names.ts";

export type RenderPage = (page: string, locals: Record<string, unknown>) => Promise<string>;
export type SentMail = { to: string; subject: string; text: string; html: string; at: Date };
/** `locale`: the recipient's language (the account's; lib/i18n), else DEFAULT_LOCALE; `timeZone`: its time zone for dates */
export type MailMessage = {
  to: string;
  template: EmailTemplate;
  locals: Record<string, unknown>;
  locale?: string | null;
  timeZone?: string | null;
};
/** what an outbox row of kind "email" carries (sealed); the recipient is the row's */
type RenderedMail = { subject: string; text: string; html: string };

/** no CR or LF may reach a header from data a user typed */
const headerSafe = (value: string) => value.replace(/[\r\n]+/g, " ").trim();

/**
 * the locals' text as single lines without hidden characters: a name stored before names were checked
 * (services/names.ts) cannot start a line of its own ("Bcc: ...") in the text part, which prints locals raw
 */
const plainText = (value: unknown): unknown =>
  typeof value === "string"
    ? replaceHiddenCharacters(value, " ")
    : Array.isArray(value)
      ? value.map(plainText)
      : value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plainText(v)]))
        : value;

export function createMailer(deps: {
  smtpUrl?: string;
  from: string;
  render: RenderPage;
  log: Logger;
  outbox: Outbox;
  /** the host of every Message-ID (<outbox row id@host>): the issuer's */
  messageIdHost: string;
  /** the product name (BRAND_NAME, or the one administrators set: services/branding.ts), said in the subjects instead of "Gatehouse" */
  productName?: string | (() => Promise<string>);
  /** DEFAULT_LOCALE: the language of an email whose recipient has none */
  defaultLocale?: Locale;
}) {
  // bounded waits: a hung SMTP server fails the attempt (and it is retried) well within the outbox lease
  const timeouts = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };
  // nodemailer loads with the first email this process sends
  const transport = lazyModule(async (): Promise<Transporter> => {
    const { default: nodemailer } = await import("nodemailer");
    return deps.smtpUrl
      ? nodemailer.createTransport({ url: deps.smtpUrl, ...timeouts }) // the URL's own ?options win
      : nodemailer.createTransport({ jsonTransport: true });
  });
  const mailbox: SentMail[] = []; // development mailbox (no SMTP configured): the last 100 messages

  deps.outbox.handle("email", async ({ id, recipient, payload }) => {
    const mail = payload as RenderedMail;
    await (
      await transport()
    ).sendMail({
      from: deps.from,
      to: recipient,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      messageId: `<${id}@${deps.messageIdHost}>`,
    });
    if (!deps.smtpUrl) {
      mailbox.unshift({ to: recipient, ...mail, at: new Date() });
      mailbox.splice(100);
    }
  });

  /** renders now (a template error is a bug and throws) into a sealed outbox row */
  async function compose(message: MailMessage): Promise<NewOutboxMessage> {
    const locale = isLocale(message.locale) ? message.locale : (deps.defaultLocale ?? "en");
    const subject = translator(locale)(EMAIL_SUBJECTS[message.template]).replaceAll(
      "Gatehouse",
      (typeof deps.productName === "function" ? await deps.productName() : deps.productName) ?? "Gatehouse",
    );
    const locals = { ...(plainText(message.locals) as Record<string, unknown>), subject, locale, timeZone: message.timeZone ?? null };
    const [html, text] = await Promise.all([
      deps.render(`emails/${message.template}/html`, locals),
      deps.render(`emails/${message.template}/text`, locals),
    ]);
    const mail: RenderedMail = { subject: headerSafe(subject), text, html };
    return deps.outbox.message("email", headerSafe(message.to), message.template, mail);
  }

  return {
    compose,
    /** renders now and queues the email; a queue that does not take it is logged, never thrown at the caller */
    async send(message: MailMessage): Promise<void> {
      const row = await compose(message);
      await deps.outbox.enqueue([row]).catch((err: unknown) => {
        deps.log.error({ err: { message: (err as Error).message }, template: message.template }, "email could not be queued");
      });
    },
    /** rows composed into a caller's own transaction are committed: send them now */
    wake: () => deps.outbox.wake(),
    /** resolves when no email (or other delivery) is due any more: sent, or waiting for a retry (tests) */
    idle: () => deps.outbox.idle(),
    /** the development mailbox, newest first; empty when SMTP is configured */
    mailbox: (): readonly SentMail[] => mailbox,
    usesMailbox: !deps.smtpUrl,
  };
}

export type Mailer = ReturnType<typeof createMailer>;
