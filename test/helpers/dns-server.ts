// A tiny authoritative DNS server on loopback UDP (port 0) for the team domain verification tests (#17 item 3):
// it answers TXT queries from `records` (name -> one string per TXT record) in the DNS wire format (RFC 1035):
// a name it does not hold is NXDOMAIN, another query type an empty NOERROR answer. Gatehouse's node:dns Resolver
// is pointed at it through DNS_SERVERS, so the look-up is a real one.
import dgram from "node:dgram";
import type { AddressInfo } from "node:net";

export type DnsServer = { address: string; records: Map<string, string[]>; queries: string[]; close(): Promise<void> };

const TXT = 16;

/** the question's name (lower-case, no trailing dot), its type, and where the question ends */
function readQuestion(msg: Buffer): { name: string; type: number; end: number } | null {
  let at = 12;
  const labels: string[] = [];
  while (at < msg.length) {
    const len = msg[at]!;
    if (len === 0) {
      at++;
      break;
    }
    if (len > 63) return null;
    labels.push(msg.toString("latin1", at + 1, at + 1 + len));
    at += 1 + len;
  }
  if (at + 4 > msg.length) return null;
  return { name: labels.join(".").toLowerCase(), type: msg.readUInt16BE(at), end: at + 4 };
}

/** one TXT record's RDATA: its text in <=255-byte character strings */
function txtData(value: string): Buffer {
  const bytes = Buffer.from(value, "utf8");
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length || i === 0; i += 255) {
    const chunk = bytes.subarray(i, i + 255);
    parts.push(Buffer.from([chunk.length]), chunk);
    if (bytes.length === 0) break;
  }
  return Buffer.concat(parts);
}

export function answer(query: Buffer, records: Map<string, string[]>): Buffer | null {
  if (query.length < 12) return null;
  const q = readQuestion(query);
  if (!q) return null;
  const values = records.get(q.name);
  const answers = values && q.type === TXT ? values : [];
  const header = Buffer.alloc(12);
  query.copy(header, 0, 0, 2); // the id
  // QR, the query's RD, RA; NXDOMAIN (3) for a name we do not hold
  header.writeUInt16BE(0x8000 | (query.readUInt16BE(2) & 0x0100) | 0x0080 | (values ? 0 : 3), 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(answers.length, 6);
  const rrs = answers.map((v) => {
    const data = txtData(v);
    const rr = Buffer.alloc(12);
    rr.writeUInt16BE(0xc00c, 0); // the name: a pointer to the question's
    rr.writeUInt16BE(TXT, 2);
    rr.writeUInt16BE(1, 4); // IN
    rr.writeUInt32BE(60, 6);
    rr.writeUInt16BE(data.length, 10);
    return Buffer.concat([rr, data]);
  });
  return Buffer.concat([header, query.subarray(12, q.end), ...rrs]);
}

export async function startDnsServer(records: Record<string, string[]> = {}): Promise<DnsServer> {
  const socket = dgram.createSocket("udp4");
  const server: DnsServer = {
    address: "",
    records: new Map(Object.entries(records)),
    queries: [],
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
  socket.on("message", (msg, from) => {
    const q = msg.length >= 12 ? readQuestion(msg) : null;
    if (q) server.queries.push(q.name);
    const reply = answer(msg, server.records);
    if (reply) socket.send(reply, from.port, from.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  server.address = `127.0.0.1:${(socket.address() as AddressInfo).port}`;
  return server;
}
