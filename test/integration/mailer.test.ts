// The mailer against a real SMTP server: both parts sent, names that carry line breaks printed on one line, a
// failed delivery retried, a dead server logged (without the message) and never thrown at the caller.
import { describe, it, expect } from "vitest";
import { Writable } from "node:stream";
import { SMTPServer } from "smtp-server";
import type { AddressInfo } from "node:net";
import { createMailer } from "../../src/services/mail/mailer.ts";
import { createViews } from "../../src/http/views.ts";
import { createLogger } from "../../src/lib/logger.ts";
import { freePort } from "../helpers/databases.ts";
import { startSmtpSink } from "../helpers/smtp-sink.ts";

const views = createViews({ cache: false });
const locals = { username: "alice", attempts: 5, until: "2026-11-22 10:00", ip: "203.0.113.9", userAgent: "Firefox<script>" };

function collectingLogger() {
  const lines: string[] = [];
  const log = createLogger("info", new Writable({ write(chunk, _enc, cb) { lines.push(String(chunk)); cb(); } }));
  return { log, lines };
}

describe("mailer", () => {
  it("sends an HTML and a text part, escaping what users typed in the HTML", async () => {
    const sink = await startSmtpSink();
    const { log } = collectingLogger();
    const mailer = createMailer({ smtpUrl: sink.url, from: "Gatehouse <no-reply@id.example.test>", render: views.render, log });
    await mailer.send({ to: "alice@example.test", template: "lockout", locals });
    await mailer.idle();
    const mail = await sink.waitFor(() => true);
    expect(mail.to).toEqual(["alice@example.test"]);
    expect(mail.from).toBe("no-reply@id.example.test");
    expect(mail.text).toContain("203.0.113.9");
    expect(mail.html).toContain("Firefox&lt;script&gt;");
    expect(mail.html).not.toContain("Firefox<script>");
    await sink.close();
  });

  it("prints every local on one line: a name stored with CR/LF cannot forge Bcc: or Subject: lines in the body", async () => {
    const sink = await startSmtpSink();
    const { log } = collectingLogger();
    const mailer = createMailer({ smtpUrl: sink.url, from: "g@id.example.test", render: views.render, log });
    await mailer.send({
      to: "dana@example.test", template: "team-invitation",
      locals: { inviter: "Mallory\r\nBcc: x@evil.test\r\nSubject: Urgent", teamName: "Acme\u202Etset.live", roleName: "Dev\u0085Bcc: y@evil.test", link: "https://id.example.test/invitations/abc", ttlSeconds: 3600, validFor: "1 hour" },
    });
    await mailer.idle();
    const mail = await sink.waitFor(() => true);
    expect(mail.to).toEqual(["dana@example.test"]);
    expect(mail.subject).toBe("You have been invited to Gatehouse");
    expect(mail.text).not.toMatch(/^(Bcc|Subject):/m);
    expect(mail.text).not.toMatch(/[\u0085\u202E]/);
    expect(mail.text).toContain("Mallory Bcc: x@evil.test Subject: Urgent invited you to join the team Acme tset.live on Gatehouse as Dev Bcc: y@evil.test.");
    await sink.close();
  });

  it("retries a delivery the server refused, and gives up quietly on a dead server", async () => {
    let refusals = 1;
    const received: string[] = [];
    const flaky = new SMTPServer({
      authOptional: true, disabledCommands: ["STARTTLS"], logger: false,
      onData(stream, session, callback) {
        stream.resume();
        stream.on("end", () => {
          if (refusals-- > 0) return callback(Object.assign(new Error("try later"), { responseCode: 451 }));
          received.push(session.envelope.rcptTo[0]!.address);
          callback();
        });
      },
    });
    await new Promise<void>((r) => flaky.listen(0, "127.0.0.1", r));
    const { log, lines } = collectingLogger();
    const mailer = createMailer({ smtpUrl: `smtp://127.0.0.1:${(flaky.server.address() as AddressInfo).port}`, from: "g@id.example.test", render: views.render, log, retryDelaysMs: [20, 20] });
    await mailer.send({ to: "bob@example.test", template: "lockout", locals });
    await mailer.idle();
    expect(received).toEqual(["bob@example.test"]);
    expect(lines.join("")).not.toContain("could not be sent");
    await new Promise<void>((r) => flaky.close(() => r()));

    const dead = createMailer({ smtpUrl: `smtp://127.0.0.1:${await freePort()}`, from: "g@id.example.test", render: views.render, log, retryDelaysMs: [10, 10] });
    await expect(dead.send({ to: "carol@example.test", template: "lockout", locals })).resolves.toBeUndefined();
    await dead.idle();
    const logged = lines.join("");
    expect(logged).toContain("email could not be sent");
    expect(logged).not.toContain("203.0.113.9"); // the message itself is never logged
  });
});
