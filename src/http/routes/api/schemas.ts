// Small schemas the API route files share: an instant in an answer (ISO 8601, as Date#toISOString writes it) and
// what a session record shows (the self-service and the admin session lists add their own fields).
import { z } from "zod";
import type { UserSession } from "../../../services/sessions/records.ts";
import { describeLocation } from "../../../services/request/geo.ts";

/** an instant in an answer: an ISO 8601 date-time in UTC */
export const when = z.string().meta({ format: "date-time", example: "2026-12-01T12:00:00.000Z" });

/** a Date as `when` has it */
export const iso = (d: Date): string => d.toISOString();

/** a session record's fields as both session lists show them */
export const sessionFields = {
  browser: z.string().nullable(),
  os: z.string().nullable(),
  deviceType: z.string().nullable(),
  ip: z.string().nullable(),
  countryCode: z.string().nullable(),
  city: z.string().nullable(),
  location: z.string().meta({ description: 'city and country for people, or "unknown location"' }),
  remember: z.boolean(),
  clients: z.array(z.string()).meta({ description: "client ids of the applications this session signed in to" }),
  startedAt: when,
  lastActiveAt: when,
  expiresAt: when,
};

/** a session record as sessionFields says it (both session lists add their own: the user's id, or "current") */
export const sessionFieldsOf = (s: UserSession) => ({
  browser: s.browser,
  os: s.os,
  deviceType: s.deviceType,
  ip: s.ip,
  countryCode: s.countryCode,
  city: s.city,
  location: describeLocation(
    s.countryCode ? { city: s.city, countryCode: s.countryCode, region: null, latitude: null, longitude: null } : null,
  ),
  remember: s.remember,
  clients: s.clients,
  startedAt: s.startedAt.toISOString(),
  lastActiveAt: s.lastActiveAt.toISOString(),
  expiresAt: s.expiresAt.toISOString(),
});
