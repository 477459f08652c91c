// A user ending one of their own sessions or trusted devices through the self-service API (/api/v1/me): the
// revocation itself is audited by the session and device services (session.revoked / device.revoked, the user
// as actor); one of a session or device the user does not have is audited here as a failure (reason not_found,
// via api) and answered not_found.
import type { AuditService } from "./audit.ts";
import type { TrustedDevices } from "./devices/trusted-devices.ts";
import type { SessionRecords } from "./sessions/records.ts";

/** the call: where from, and the client whose user token made it */
export type OwnCaller = { ip: string | null; userAgent: string | null; clientId: string | null };

export function createOwnRevocations(deps: {
  sessions: Pick<SessionRecords, "revoke">;
  devices: Pick<TrustedDevices, "revoke">;
  audit: AuditService;
}) {
  const notFound = (userId: string, type: string, caller: OwnCaller, data: Record<string, string>) =>
    deps.audit.record({
      type,
      outcome: "failure",
      userId,
      actorId: userId,
      clientId: caller.clientId,
      ip: caller.ip,
      userAgent: caller.userAgent,
      data: { ...data, reason: "not_found", via: "api" },
    });

  return {
    /** ends one of the user's sessions (the token's own too) */
    async revokeSession(userId: string, sessionId: string, caller: OwnCaller): Promise<{ outcome: "revoked" } | { outcome: "not_found" }> {
      const request = { ip: caller.ip, userAgent: caller.userAgent };
      const result = await deps.sessions.revoke(userId, sessionId, { reason: "revoked", actorId: userId, request });
      if (result.outcome === "not_found") await notFound(userId, "session.revoked", caller, { sessionId });
      return result;
    },

    /** stops trusting one of the user's devices */
    async revokeDevice(userId: string, deviceId: string, caller: OwnCaller): Promise<{ outcome: "revoked" } | { outcome: "not_found" }> {
      const request = { ip: caller.ip, userAgent: caller.userAgent, ...(caller.clientId !== null ? { clientId: caller.clientId } : {}) };
      if (await deps.devices.revoke(userId, deviceId, request)) return { outcome: "revoked" };
      await notFound(userId, "device.revoked", caller, { deviceId });
      return { outcome: "not_found" };
    },
  };
}

export type OwnRevocations = ReturnType<typeof createOwnRevocations>;
