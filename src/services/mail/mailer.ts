// Sends Gatehouse's emails: each an HTML and a text part rendered from eta templates (escaping on), through
// SMTP_URL, or, in development without SMTP, into the development mailbox. Sending happens after the request:
// a failure is retried with backoff and logged (never with the message), and never changes what the user sees.
import nodemailer, { type Transporter } from "nodemailer";
import type { Logger } from "../../lib/logger.ts";
import { EMAIL_SUBJECTS, type EmailTemplate } from "./templates.ts";
import { replaceHiddenCharacters } from "../names.ts";

export type RenderPage = (page: string, locals: Record<string, unknown>) => Promise<string>;
export type SentMail = { to: string; subject: string; text: string; html: string; at: Date };
export type MailMessage = { to: string; template: EmailTemplate; locals: Record<string, unknown> };

/** no CR or LF may reach a header from data a user typed */
const headerSafe = (value: string) => value.replace(/[\r\n]+/g, " ").trim();

/**
 * the locals' text as single lines without hidden characters: a name stored before names were checked
 * (services/names.ts) cannot start a line of its own ("Bcc: ...") in the text part, which prints locals raw
 */
const plainText = (value: unknown): unknown =>
  typeof value === "string" ? replaceHiddenCharacters(value, " ")
    : Array.isArray(value) ? value.map(plainText)
      : value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plainText(v)]))
        : value;

export function createMailer(deps: {
  smtpUrl?: string;
  from: string;
  render: RenderPage;
  log: Logger;
  retryDelaysMs?: number[];
}) {
  const transport: Transporter = deps.smtpUrl
    ? nodemailer.createTransport(deps.smtpUrl)
    : nodemailer.createTransport({ jsonTransport: true });
  const mailbox: SentMail[] = []; // development mailbox (no SMTP configured): the last 100 messages
  const delays = deps.retryDelaysMs ?? [1_000, 5_000, 30_000];
  const pending = new Set<Promise<void>>();

  async function deliver(mail: SentMail): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await transport.sendMail({ from: deps.from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html });
        if (!deps.smtpUrl) mailbox.unshift(mail), mailbox.splice(100);
        return;
      } catch (err) {
        if (attempt >= delays.length) {
          deps.log.error({ err: { message: (err as Error).message }, subject: mail.subject }, "email could not be sent");
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, delays[attempt]).unref());
      }
    }
  }

  return {
    /** renders now (a template error is a bug and throws), delivers in the background */
    async send(message: MailMessage): Promise<void> {
      const subject = EMAIL_SUBJECTS[message.template];
      const locals = { ...(plainText(message.locals) as Record<string, unknown>), subject };
      const [html, text] = await Promise.all([
        deps.render(`emails/${message.template}/html`, locals),
        deps.render(`emails/${message.template}/text`, locals),
      ]);
      const job = deliver({ to: headerSafe(message.to), subject: headerSafe(subject), text, html, at: new Date() });
      pending.add(job);
      void job.finally(() => pending.delete(job));
    },
    /** resolves when every queued message was sent or given up (tests, shutdown) */
    async idle(): Promise<void> {
      while (pending.size) await Promise.all([...pending]);
    },
    /** the development mailbox, newest first; empty when SMTP is configured */
    mailbox: (): readonly SentMail[] => mailbox,
    usesMailbox: !deps.smtpUrl,
  };
}

export type Mailer = ReturnType<typeof createMailer>;
