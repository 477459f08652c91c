// What one request of a login has to audit, collected and written in one multi-row insert: when the login stops
// to wait (at a page), when a step refuses, or together with the finished sign-in (finish.ts).
import type { NewAuditEvent } from "../../queries/audit-events.ts";
import type { Facts } from "./types.ts";

export type AuditWriter = { recordMany(events: NewAuditEvent[]): Promise<void> };
export type TrailEvent = Omit<NewAuditEvent, "ip" | "userAgent" | "clientId">;

export type Trail = {
  /** an event about this request (its address, browser and client are added) */
  add(event: TrailEvent): void;
  /** an event given in full */
  addFull(event: NewAuditEvent): void;
  /** the events so far, emptied */
  drain(): NewAuditEvent[];
  /** writes what was collected (one insert), if anything */
  flush(): Promise<void>;
};

export function createTrail(audit: AuditWriter, facts: Pick<Facts, "ip" | "userAgent" | "clientId">): Trail {
  let events: NewAuditEvent[] = [];
  const drain = () => {
    const out = events;
    events = [];
    return out;
  };
  return {
    add: (event) => {
      events.push({ ...event, ip: facts.ip, userAgent: facts.userAgent, clientId: facts.clientId });
    },
    addFull: (event) => {
      events.push(event);
    },
    drain,
    async flush() {
      const out = drain();
      if (out.length) await audit.recordMany(out);
    },
  };
}
