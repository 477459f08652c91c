// A real SMTP server in the test process (smtp-server) that keeps every message it receives, parsed
// (postal-mime), so tests read what Gatehouse actually sent. `refuse(true)` makes it answer every message with a
// temporary failure (451, as a server in trouble does); what it refused is kept in `refused`, with the time.
import { SMTPServer } from "smtp-server";
import PostalMime from "postal-mime";
import type { AddressInfo } from "node:net";

export type ReceivedMail = { to: string[]; from: string; subject: string; text: string; html: string; headers: Record<string, string> };

export type SmtpSink = {
  url: string;
  port: number;
  messages: ReceivedMail[];
  refused: (ReceivedMail & { at: number })[];
  refuse(on: boolean): void;
  waitFor(match: (m: ReceivedMail) => boolean, ms?: number): Promise<ReceivedMail>;
  close(): Promise<void>;
};

export async function startSmtpSink(opts: { port?: number } = {}): Promise<SmtpSink> {
  const messages: ReceivedMail[] = [];
  const refused: (ReceivedMail & { at: number })[] = [];
  let refusing = false;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        PostalMime.parse(Buffer.concat(chunks)).then((email) => {
          const mail = {
            to: session.envelope.rcptTo.map((r) => r.address),
            from: email.from?.address ?? "",
            subject: email.subject ?? "",
            text: email.text ?? "",
            html: email.html ?? "",
            headers: Object.fromEntries(email.headers.map((h) => [h.key, h.value])),
          };
          if (refusing) {
            refused.push({ ...mail, at: Date.now() });
            return callback(Object.assign(new Error("Try again later"), { responseCode: 451 }));
          }
          messages.push(mail);
          callback();
        }, callback);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    refused,
    refuse(on) {
      refusing = on;
    },
    async waitFor(match, ms = 5000) {
      for (let waited = 0; waited < ms; waited += 25) {
        const found = messages.find(match);
        if (found) return found;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(`no matching email within ${ms} ms (got ${messages.length}: ${messages.map((m) => m.subject).join("; ")})`);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
