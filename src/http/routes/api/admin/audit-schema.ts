// The answers of the admin audit and analytics API: one audit event as the admin Audit log page shows it, and
// the login analytics of a range (services/analytics.ts defines every figure) with the dashboard's counts.
import { z } from "zod";
import { when } from "../schemas.ts";

const rate = z.number().nullable().meta({ description: "0-1; null when there was nothing to divide by" });
const count = z.number().int();

export const auditEvent = z
  .object({
    id: z.string().meta({ description: "the event's number (a decimal string: it may exceed 2^53)" }),
    createdAt: when,
    type: z.string().meta({ example: "login.failed" }),
    outcome: z.string().meta({ description: "success or failure", example: "failure" }),
    userId: z
      .string()
      .nullable()
      .meta({ description: "the user the event is about: their id, or deleted:<pseudonym> once the account was deleted" }),
    userEmail: z.string().nullable().meta({ description: "that user's email address now (null when the user is gone)" }),
    actorId: z
      .string()
      .nullable()
      .meta({ description: "who acted: a user id, or cli; null when the user acted for themself without a session" }),
    clientId: z.string().nullable().meta({ description: "the client involved (the relying party, or the client an admin changed)" }),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    data: z.unknown().meta({ description: "the event's details (never a secret)" }),
  })
  .meta({ id: "AuditEvent" });

export const loginAnalytics = z
  .object({
    from: when,
    to: when,
    bucket: z.enum(["hour", "day"]).meta({ description: "the series' step: hour for ranges up to 48 hours, else day" }),
    logins: z.object({ attempts: count, succeeded: count, failed: count, successRate: rate, failureRate: rate }),
    suspicious: z
      .object({ evaluated: count, held: count, rate })
      .meta({ description: "sign-ins the risk rules held, of those they evaluated" }),
    deviceApproval: z
      .object({ succeeded: count, withEmailedCode: count, codesSent: count, rate })
      .meta({ description: "successful sign-ins that needed an emailed device code, of all successful sign-ins" }),
    sessions: z
      .object({ measured: count, averageSeconds: z.number().nullable() })
      .meta({ description: "sessions started in the range and over by now; their average length" }),
    passwordResets: z.object({ requested: count, rate }).meta({ description: "reset requests per sign-in attempt" }),
    series: z
      .array(z.object({ start: when, succeeded: count, failed: count }))
      .meta({ description: "every bucket from `from`, zeros included; the last may be cut short by `to`" }),
    counts: z
      .object({ users: count, disabledUsers: count, teams: count, liveSessions: count })
      .meta({ description: "now, not for the range" }),
  })
  .meta({ id: "LoginAnalytics" });
