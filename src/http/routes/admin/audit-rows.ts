// How the admin audit page shows one event: a compact row (time, event, actor by name or email with a link,
// target, IP, short device) and the details behind a <details> (full user agent, client, event number, data). The
// words it adds ("a deleted user", "a team", "client") are said in the page's language by `say`.
import type { AuditEventView } from "../../../services/audit-log.ts";
import { describeUserAgent } from "../../../services/request/user-agent.ts";
import { translateText, translator } from "../../../lib/i18n/index.ts";

type Say = (text: string) => string;
const englishWords = translator("en");
const english: Say = (text) => translateText(englishWords, text);

export type Party = { label: string; href: string | null; title: string | null };

export type AuditRowView = AuditEventView & {
  time: string;
  actor: Party | null;
  target: Party | null;
  device: string | null;
  dataText: string;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** a user shown by name (email as title) or email, linking to their admin page; ids that are not users as text */
function party(id: string | null, email: string | null, name: string | null, say: Say): Party | null {
  if (!id) return null;
  if (email) return { label: name || email, href: `/admin/users/${id}`, title: name ? email : null };
  if (UUID.test(id) || id.startsWith("deleted:")) return { label: say("admin.audit.deletedUser"), href: null, title: id };
  return { label: id, href: null, title: null };
}

const teamOf = (data: unknown): string | null => {
  const team = (data as { teamId?: unknown } | null)?.teamId;
  return typeof team === "string" && team ? team : null;
};

export function auditRow(e: AuditEventView, say: Say = english): AuditRowView {
  const user = party(e.userId, e.userEmail, e.userName, say);
  const team = teamOf(e.data);
  const target =
    user ??
    (team
      ? { label: say("admin.audit.aTeam"), href: `/admin/teams/${team}`, title: team }
      : e.clientId
        ? { label: e.clientId, href: null, title: say("admin.audit.client") }
        : null);
  const data = JSON.stringify(e.data ?? {}, null, 2);
  return {
    ...e,
    time: `${e.createdAt.slice(0, 19).replace("T", " ")} UTC`,
    // the actor is worth a column only when someone else acted (an admin, the CLI)
    actor: e.actorId && e.actorId !== e.userId ? party(e.actorId, e.actorEmail, e.actorName, say) : null,
    target,
    device: e.userAgent ? describeUserAgent(e.userAgent).label : null,
    dataText: data === "{}" ? "" : data,
  };
}
