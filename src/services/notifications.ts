// What Gatehouse tells a user by email about their account. One function per event; the mailer renders and
// delivers (in the background, retried).
import type { User } from "../queries/users.ts";
import type { Mailer } from "./mail/mailer.ts";

export type RequestInfo = { ip: string | null; userAgent: string | null };

type Recipient = Pick<User, "email" | "username">;

export function createNotifications(mailer: Mailer) {
  return {
    verifyEmail: (user: Recipient, link: string, ttlSeconds: number) =>
      mailer.send({ to: user.email, template: "verify-email", locals: { username: user.username, link, hours: Math.round(ttlSeconds / 3600) } }),
    registrationAttempt: (user: Recipient, request: RequestInfo) =>
      mailer.send({ to: user.email, template: "registration-attempt", locals: { username: user.username, ip: request.ip ?? "an unknown address" } }),
    lockedOut: (user: User, lock: { until: Date; attempts: number }, request: RequestInfo) =>
      mailer.send({
        to: user.email,
        template: "lockout",
        locals: {
          username: user.username,
          attempts: lock.attempts,
          until: lock.until.toISOString().replace("T", " ").slice(0, 16),
          ip: request.ip ?? "an unknown address",
          userAgent: request.userAgent?.slice(0, 200) ?? null,
        },
      }),
  };
}

export type Notifications = ReturnType<typeof createNotifications>;
