// A TCP proxy on loopback in front of a real server (the shared Postgres or Redis), for fault tests: "pass"
// forwards, "refuse" closes every connection and refuses new ones (the server is down), "stall" keeps the
// connections but forwards nothing either way until the next "pass", which delivers what waited, in order (the
// server hung, then came back). The real servers are never touched.
import net from "node:net";

export type FaultMode = "pass" | "refuse" | "stall";

export type FaultProxy = { port: number; mode(m: FaultMode): Promise<void>; close(): Promise<void> };

export async function startFaultProxy(target: { host: string; port: number }): Promise<FaultProxy> {
  let current: FaultMode = "pass";
  type Pair = { client: net.Socket; upstream: net.Socket | null; toServer: Buffer[]; toClient: Buffer[] };
  const pairs = new Set<Pair>();

  const connectUpstream = (pair: Pair, drop: () => void) => {
    const upstream = net.connect(target.port, target.host);
    pair.upstream = upstream;
    upstream.on("error", drop).on("close", drop);
    upstream.on("data", (d: Buffer) => {
      if (current === "pass") pair.client.write(d);
      else pair.toClient.push(d);
    });
  };
  const flush = (pair: Pair, drop: () => void) => {
    if (!pair.upstream) connectUpstream(pair, drop);
    for (const d of pair.toServer.splice(0)) pair.upstream!.write(d);
    for (const d of pair.toClient.splice(0)) pair.client.write(d);
  };
  const drops = new Map<Pair, () => void>();

  const onConnection = (client: net.Socket) => {
    const pair: Pair = { client, upstream: null, toServer: [], toClient: [] };
    pairs.add(pair);
    const drop = () => {
      client.destroy();
      pair.upstream?.destroy();
      pairs.delete(pair);
      drops.delete(pair);
    };
    drops.set(pair, drop);
    client.on("error", drop).on("close", drop);
    if (current === "refuse") return drop();
    client.on("data", (d: Buffer) => {
      if (current === "pass" && pair.upstream) pair.upstream.write(d);
      else pair.toServer.push(d);
    });
    if (current === "pass") connectUpstream(pair, drop); // stalled: accepted, connected upstream only once it passes
  };

  let server = net.createServer(onConnection);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as net.AddressInfo).port;
  const listening = () => server.listening;

  return {
    port,
    async mode(m) {
      current = m;
      if (m === "refuse") {
        for (const p of [...pairs]) {
          p.client.destroy();
          p.upstream?.destroy();
        }
        pairs.clear();
        if (listening()) await new Promise<void>((r) => server.close(() => r()));
      } else if (!listening()) {
        server = net.createServer(onConnection);
        await new Promise<void>((r, reject) => server.once("error", reject).listen(port, "127.0.0.1", r));
      }
      if (m === "pass") for (const p of [...pairs]) flush(p, drops.get(p)!);
    },
    async close() {
      for (const p of [...pairs]) {
        p.client.destroy();
        p.upstream?.destroy();
      }
      if (listening()) await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
