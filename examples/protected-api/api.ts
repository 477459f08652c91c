// A tiny notes API protected by Gatehouse access tokens, with the shipped resource-server helper
// (src/resource-server): every request needs a JWT access token for this API (aud = its resource indicator),
// checked locally against Gatehouse's JWKS; reading notes needs one permission, writing them another.
//   ISSUER=http://localhost:3000 AUDIENCE=https://notes.example.com npx tsx examples/protected-api/api.ts
// Routes: GET /whoami (any valid token), GET /notes (READ_PERMISSION), POST /notes (WRITE_PERMISSION).
// Notes live in memory: enough for an example.
import http from "node:http";
import { pathToFileURL } from "node:url";
import { createResourceServer, ResourceServerError, wwwAuthenticate, type AccessTokenClaims } from "../../src/resource-server/index.ts";

export type ProtectedApiOptions = {
  issuer: string;
  /** this API's resource indicator, as registered in Gatehouse's RESOURCE_SERVERS */
  audience: string;
  readPermission?: string;
  writePermission?: string;
  /** the time tokens are checked against (default now) */
  currentDate?: () => Date;
};

type Note = { id: number; text: string; author: string };
const MAX_BODY = 4096;

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store", ...headers }).end(JSON.stringify(body));
}

async function readText(req: http.IncomingMessage): Promise<string | null> {
  let body = "";
  for await (const chunk of req) {
    body += chunk;
    if (body.length > MAX_BODY) return null;
  }
  return body;
}

/** the API as an http.Server (not yet listening) */
export function createProtectedApi(options: ProtectedApiOptions): http.Server {
  const readPermission = options.readPermission ?? "example.notes.note.read";
  const writePermission = options.writePermission ?? "example.notes.note.write";
  const rs = createResourceServer({ issuer: options.issuer, audience: options.audience, currentDate: options.currentDate });
  const notes: Note[] = [];

  async function handle(req: http.IncomingMessage, res: http.ServerResponse, claims: AccessTokenClaims): Promise<void> {
    const path = new URL(req.url ?? "/", "http://api").pathname;
    if (req.method === "GET" && path === "/whoami") {
      return send(res, 200, {
        sub: claims.sub,
        client_id: claims.client_id,
        team: claims.team ?? null,
        role: claims.role ?? null,
        permissions: claims.permissions,
      });
    }
    if (path !== "/notes") return send(res, 404, { error: "not_found", message: "No such route." });
    if (req.method === "GET") {
      rs.requirePermission(claims, readPermission);
      return send(res, 200, { notes });
    }
    if (req.method === "POST") {
      rs.requirePermission(claims, writePermission);
      const text = await readText(req);
      let parsed: unknown;
      try {
        parsed = text === null ? undefined : JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      const noteText = (parsed as { text?: unknown } | undefined)?.text;
      if (typeof noteText !== "string" || !noteText.trim() || noteText.length > 1000) {
        return send(res, 400, { error: "invalid_request", message: 'Send JSON {"text": "..."} with 1 to 1000 characters.' });
      }
      const note = { id: notes.length + 1, text: noteText.trim(), author: claims.sub };
      notes.push(note);
      return send(res, 201, note);
    }
    return send(res, 405, { error: "method_not_allowed", message: "Use GET or POST." }, { allow: "GET, POST" });
  }

  return http.createServer(async (req, res) => {
    try {
      const claims = await rs.verify(req.headers.authorization);
      await handle(req, res, claims);
    } catch (err) {
      if (err instanceof ResourceServerError) {
        return send(res, err.status, { error: err.code, message: err.message }, { "www-authenticate": wwwAuthenticate(err, "notes") });
      }
      // e.g. Gatehouse's JWKS unreachable: not the caller's fault, try again later; no details to the caller
      console.error("notes API:", err instanceof Error ? err.message : err);
      send(res, 503, { error: "unavailable", message: "Cannot check tokens right now; try again shortly." }, { "retry-after": "5" });
    }
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { ISSUER, AUDIENCE, PORT = "4001" } = process.env;
  if (!ISSUER || !AUDIENCE) {
    console.error("set ISSUER (Gatehouse's issuer URL) and AUDIENCE (this API's resource indicator)");
    process.exit(1);
  }
  createProtectedApi({
    issuer: ISSUER,
    audience: AUDIENCE,
    readPermission: process.env.READ_PERMISSION,
    writePermission: process.env.WRITE_PERMISSION,
  }).listen(Number(PORT), () => console.log(`notes API at http://localhost:${PORT} for ${AUDIENCE}`));
}
