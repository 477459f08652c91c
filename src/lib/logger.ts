// JSON logs (pino). Anything that looks like a secret or token is redacted before it is written.
import { pino, type Logger } from "pino";

export type { Logger };

const REDACT = [
  "password", "*.password", "*.passwordHash", "*.client_secret", "*.clientSecret", "*.secret",
  "*.token", "*.access_token", "*.refresh_token", "*.id_token", "*.code", "*.code_verifier",
  "req.headers.authorization", "req.headers.cookie", "res.headers[\"set-cookie\"]",
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACT, censor: "[redacted]" }, base: { service: "gatehouse" } }, destination);
}
