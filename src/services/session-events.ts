// "These sessions of this user just ended": the one place that hears about it, so the provider layer can tell
// the relying parties (back-channel logout) without the services knowing about the provider.
import type { EndedSessions } from "./sessions/session-store.ts";

export type SessionsEndedListener = (userId: string, ended: EndedSessions) => void;

export function createSessionEvents() {
  const listeners: SessionsEndedListener[] = [];
  return {
    onSessionsEnded(listener: SessionsEndedListener): void {
      listeners.push(listener);
    },
    sessionsEnded(userId: string, ended: EndedSessions): void {
      for (const listener of listeners) listener(userId, ended);
    },
  };
}

export type SessionEvents = ReturnType<typeof createSessionEvents>;
