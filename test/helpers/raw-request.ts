// A raw HTTP request with its headers exactly as given: fetch would not let Host be chosen, and the issuer-host
// and provider-lane tests send foreign Host and X-Forwarded-Host headers on purpose.
import http from "node:http";

export type RawAnswer = { status: number; body: string; headers: http.IncomingHttpHeaders };

export function rawRequest(base: string, method: string, path: string, headers: Record<string, string>, body?: string): Promise<RawAnswer> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path, method, headers }, (res) => {
      let text = "";
      res.on("data", (d: Buffer) => {
        text += d.toString();
      });
      res.on("end", () => resolve({ status: res.statusCode!, body: text, headers: res.headers }));
    });
    req.on("error", reject);
    req.end(body);
  });
}
