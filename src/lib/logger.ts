// JSON logs (pino). Anything that looks like a secret or token is redacted before it is written.
import { pino, type Logger } from "pino";

export type { Logger };

const REDACT = [
  "password",
  "*.password",
  "*.passwordHash",
  "*.client_secret",
  "*.clientSecret",
  "*.secret",
  "*.token",
  "*.access_token",
  "*.refresh_token",
  "*.id_token",
  "*.code",
  "*.code_verifier",
  // platform sessions and credentials (the Virtuozzo plugin): never logged, should a caller pass one by mistake
  "session",
  "*.session",
  "*.platform_password",
  "*.platformPassword",
  "*.credential",
  "req.headers.authorization",
  "req.headers.cookie",
  'res.headers["set-cookie"]',
];

/**
 * stdout, buffered (up to 4 KiB) so a busy server is not one write syscall per log line; a quiet one still
 * writes within a quarter second, and everything is flushed at exit
 */
export function stdoutDestination() {
  const destination = pino.destination({ dest: 1, sync: false, minLength: 4096 });
  const timer = setInterval(() => {
    try {
      destination.flush();
    } catch {
      // not open yet, or closed at exit: nothing to flush
    }
  }, 250);
  timer.unref();
  return destination;
}

export function createLogger(level: string, destination: pino.DestinationStream = stdoutDestination()): Logger {
  return pino({ level, redact: { paths: REDACT, censor: "[redacted]" }, base: { service: "gatehouse" } }, destination);
}

/**
 * The one-line-per-request access log: same level and destination, but no redaction pass, because it is
 * only ever given the fixed, non-secret fields of src/http/request-context.ts (method, path without query,
 * status, duration, IP, request id). Redaction costs more than the rest of a JWKS request's logging.
 */
export function createAccessLogger(level: string, destination: pino.DestinationStream = stdoutDestination()): Logger {
  return pino({ level, base: { service: "gatehouse" } }, destination);
}
