// Shared set-up for the examples/ tests: a relying party registers its permissions the way a real app does
// (PUT /api/v1/permissions with a client_credentials token for Gatehouse's API), and an http.Server listens on a
// loopback port of its own before its client exists (the client's redirect URIs name the address).
import http from "node:http";
import type { AddressInfo } from "node:net";
import * as client from "openid-client";

export type PermissionSpec = Record<string, { label: string; tab: string; roles: string[] }>;

/** registers the client's permission codes with their default roles; throws unless Gatehouse says 200 */
export async function registerPermissions(issuer: string, rp: client.Configuration, permissions: PermissionSpec): Promise<void> {
  const { access_token } = await client.clientCredentialsGrant(rp, { resource: `${issuer}/api` });
  const res = await fetch(`${issuer}/api/v1/permissions`, {
    method: "PUT",
    headers: { authorization: `Bearer ${access_token}`, "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({ permissions }),
  });
  if (res.status !== 200) throw new Error(`permission registration: ${res.status} ${await res.text()}`);
}

/** a server listening on 127.0.0.1:0 whose handler is set later; close() ends it */
export async function lateBoundServer() {
  const holder: { handler?: http.RequestListener } = {};
  const server = http.createServer((req, res) => {
    if (!holder.handler) return void res.writeHead(503).end();
    holder.handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    serve(handler: http.RequestListener) {
      holder.handler = handler;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
