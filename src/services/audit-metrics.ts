// Counts audit events for /metrics as they are written (lib/telemetry.ts): the sign-in's events reach Postgres
// through two writers, the audit queries (audit.record / recordMany, the login flow's trail) and the finished
// sign-in's single statement (queries/sign-ins.ts). Both are wrapped once here, so no route, flow step or service
// counts anything itself; an event is counted only after its write succeeded.
import type { Queries } from "../queries/index.ts";
import type { Telemetry } from "../lib/telemetry.ts";

export function countAuditWrites(queries: Queries, telemetry: Pick<Telemetry, "auditRecorded">): Queries {
  const { auditEvents, signIns } = queries;
  return {
    ...queries,
    auditEvents: {
      ...auditEvents,
      insert: async (event) => {
        const row = await auditEvents.insert(event);
        telemetry.auditRecorded([event]);
        return row;
      },
      insertMany: async (events) => {
        await auditEvents.insertMany(events);
        telemetry.auditRecorded(events);
      },
    },
    signIns: {
      ...signIns,
      finish: async (s) => {
        await signIns.finish(s);
        telemetry.auditRecorded(s.events);
      },
    },
  };
}
