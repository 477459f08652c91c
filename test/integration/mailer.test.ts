// The mailer over the outbox against a real SMTP server and a real Postgres: both parts sent with a Message-ID
// made from the outbox row, names that carry line breaks printed on one line, a refused delivery retried, a dead
// server ending in a dead letter that is logged (without the message) and never thrown at the caller, and the
// payload sealed at rest (the link in an email is not readable from the table).
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { Writable } from "node:stream";
import { randomBytes } from "node:crypto";
import { SMTPServer } from "smtp-server";
import type { AddressInfo } from "node:net";
import { createMailer } from "../../src/services/mail/mailer.ts";
import { createOutbox, type OutboxSettings } from "../../src/services/outbox/outbox.ts";
import { createOutboxQueries } from "../../src/queries/outbox.ts";
import { openDatabase, type Database } from "../../src/db/postgres.ts";
import { systemClock } from "../../src/lib/clock.ts";
import { createViews } from "../../src/lib/views.ts";
import { createLogger } from "../../src/lib/logger.ts";
import { createTestDatabase, freePort } from "../helpers/databases.ts";
import { startSmtpSink } from "../helpers/smtp-sink.ts";

const views = createViews({ cache: false });
const locals = { username: "alice", attempts: 5, until: "2026-11-22 10:00", ip: "203.0.113.9", userAgent: "Firefox<script>" };

function collectingLogger() {
  const lines: string[] = [];
  const log = createLogger(
    "info",
    new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    }),
  );
  return { log, lines };
}

async function until(check: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  for (const end = Date.now() + ms; !(await check());) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("mailer", () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let db: Database;
  const stops: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    db = await openDatabase({ url: database.url, dataDir: "/tmp", poolSize: 4 });
  });
  afterAll(async () => {
    for (const stop of stops) await stop();
    await db?.close();
    await database?.drop();
  });

  /** a mailer on its own outbox (started) against `smtpUrl`; the one before stops (it would take these rows too) */
  async function mailerOn(smtpUrl: string, settings: Partial<OutboxSettings> = {}) {
    for (const stop of stops.splice(0)) await stop();
    const { log, lines } = collectingLogger();
    const outbox = createOutbox({
      queries: createOutboxQueries(db.prisma),
      clock: systemClock,
      masterKey: randomBytes(32),
      log,
      settings: { maxAttempts: 3, retryBaseMs: 20, pollMs: 25, ...settings },
    });
    const mailer = createMailer({
      smtpUrl,
      from: "Gatehouse <no-reply@id.example.test>",
      render: views.render,
      log,
      outbox,
      messageIdHost: "id.example.test",
    });
    outbox.start();
    stops.push(() => outbox.stop());
    return { mailer, outbox, lines };
  }
  const rowsTo = (to: string) => db.prisma.outboxMessage.findMany({ where: { recipient: to } });

  it("sends an HTML and a text part, escaping what users typed in the HTML, with a Message-ID of its outbox row", async () => {
    const sink = await startSmtpSink();
    const { mailer } = await mailerOn(sink.url);
    const row = await mailer.compose({ to: "alice@example.test", template: "lockout", locals });
    expect(row.payload).not.toContain("203.0.113.9"); // sealed at rest
    await mailer.send({ to: "alice@example.test", template: "lockout", locals });
    await mailer.idle();
    const mail = await sink.waitFor(() => true);
    expect(mail.to).toEqual(["alice@example.test"]);
    expect(mail.from).toBe("no-reply@id.example.test");
    expect(mail.text).toContain("203.0.113.9");
    expect(mail.html).toContain("Firefox&lt;script&gt;");
    expect(mail.html).not.toContain("Firefox<script>");
    expect(mail.headers["message-id"]).toMatch(/^<[0-9a-f-]{36}@id\.example\.test>$/);
    expect(await rowsTo("alice@example.test")).toEqual([]); // sent: the row is gone
    await sink.close();
  });

  it("prints every local on one line: a name stored with CR/LF cannot forge Bcc: or Subject: lines in the body", async () => {
    const sink = await startSmtpSink();
    const { mailer } = await mailerOn(sink.url);
    await mailer.send({
      to: "dana@example.test",
      template: "team-invitation",
      locals: {
        inviter: "Mallory\r\nBcc: x@evil.test\r\nSubject: Urgent",
        teamName: "Acme\u202Etset.live",
        roleName: "Dev\u0085Bcc: y@evil.test",
        link: "https://id.example.test/invitations/abc",
        ttlSeconds: 3600,
        validFor: "1 hour",
      },
    });
    await mailer.idle();
    const mail = await sink.waitFor(() => true);
    expect(mail.to).toEqual(["dana@example.test"]);
    expect(mail.subject).toBe("You have been invited to Gatehouse");
    expect(mail.text).not.toMatch(/^(Bcc|Subject):/m);
    expect(mail.text).not.toMatch(/[\u0085\u202E]/);
    expect(mail.text).toContain(
      "Mallory Bcc: x@evil.test Subject: Urgent invited you to join the team Acme tset.live on Gatehouse as Dev Bcc: y@evil.test.",
    );
    await sink.close();
  });

  it("retries a delivery the server refused (same Message-ID), and keeps a dead server's email as a logged dead letter", async () => {
    let refusals = 1;
    const received: { to: string; messageId: string }[] = [];
    const tried: string[] = []; // every attempt's Message-ID, refused or not
    const flaky = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      logger: false,
      onData(stream, session, callback) {
        let raw = "";
        stream.on("data", (d: Buffer) => {
          raw += d.toString();
        });
        stream.on("end", () => {
          const messageId = /^Message-ID: (.*)$/im.exec(raw)![1]!.trim();
          tried.push(messageId);
          if (refusals-- > 0) return callback(Object.assign(new Error("try later"), { responseCode: 451 }));
          received.push({ to: session.envelope.rcptTo[0]!.address, messageId });
          callback();
        });
      },
    });
    await new Promise<void>((r) => flaky.listen(0, "127.0.0.1", r));
    const { mailer, lines } = await mailerOn(`smtp://127.0.0.1:${(flaky.server.address() as AddressInfo).port}`);
    await mailer.send({ to: "bob@example.test", template: "lockout", locals });
    await until(async () => received.length === 1 && (await rowsTo("bob@example.test")).length === 0);
    expect(received[0]!.to).toBe("bob@example.test");
    expect(tried).toEqual([received[0]!.messageId, received[0]!.messageId]); // the retry is the same message
    expect(lines.join("")).toContain("delivery failed; it will be retried");
    expect(lines.join("")).not.toContain("dead letter");
    await new Promise<void>((r) => flaky.close(() => r()));

    const dead = await mailerOn(`smtp://127.0.0.1:${await freePort()}`);
    await expect(dead.mailer.send({ to: "carol@example.test", template: "lockout", locals })).resolves.toBeUndefined();
    await until(async () => (await rowsTo("carol@example.test"))[0]?.status === "dead");
    const [row] = await rowsTo("carol@example.test");
    expect(row).toMatchObject({ attempts: 3, kind: "email", topic: "lockout", lastError: expect.stringMatching(/ECONNREFUSED|connect/) });
    const logged = dead.lines.join("");
    expect(logged).toContain("kept as a dead letter");
    expect(logged).not.toContain("203.0.113.9"); // the message itself is never logged
  });
});
