// A real SMTP server in the test process (smtp-server) that keeps every message it receives, parsed
// (postal-mime), so tests read what Gatehouse actually sent.
import { SMTPServer } from "smtp-server";
import PostalMime from "postal-mime";
import type { AddressInfo } from "node:net";

export type ReceivedMail = { to: string[]; from: string; subject: string; text: string; html: string; headers: Record<string, string> };

export async function startSmtpSink(): Promise<{ url: string; messages: ReceivedMail[]; waitFor(match: (m: ReceivedMail) => boolean, ms?: number): Promise<ReceivedMail>; close(): Promise<void> }> {
  const messages: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        PostalMime.parse(Buffer.concat(chunks)).then((email) => {
          messages.push({
            to: session.envelope.rcptTo.map((r) => r.address),
            from: email.from?.address ?? "",
            subject: email.subject ?? "",
            text: email.text ?? "",
            html: email.html ?? "",
            headers: Object.fromEntries(email.headers.map((h) => [h.key, h.value])),
          });
          callback();
        }, callback);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
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
