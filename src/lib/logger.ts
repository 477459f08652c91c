// JSON logs (pino). Anything that looks like a secret or token is redacted before it is written.
import { pino, type Logger } from "pino";

export type { Logger };

const REDACT = [
  "password", "*.password", "*.passwordHash", "*.client_secret", "*.clientSecret", "*.secret",
  "*.token", "*.access_token", "*.refresh_token", "*.id_token", "*.code", "*.code_verifier",
  "req.headers.authorization", "req.headers.cookie", "res.headers[\"set-cookie\"]",
];

/** stdout, buffered (4 KiB) so a busy server is not one write syscall per log line; flushed at exit */
export function stdoutDestination() {
  return pino.destination({ dest: 1, sync: false, minLength: 4096 });
}

export function createLogger(level: string, destination: pino.DestinationStream = stdoutDestination()): Logger {
  return pino({ level, redact: { paths: REDACT, censor: "[redacted]" }, base: { service: "gatehouse" } }, destination);
}
