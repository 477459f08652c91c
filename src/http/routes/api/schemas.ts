// Small schemas every API route file shares: an instant in an answer (ISO 8601, as Date#toISOString writes it).
import { z } from "zod";

/** an instant in an answer: an ISO 8601 date-time in UTC */
export const when = z.string().meta({ format: "date-time", example: "2026-12-01T12:00:00.000Z" });

/** a Date as `when` has it */
export const iso = (d: Date): string => d.toISOString();
