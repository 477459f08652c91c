// The admin audit log (/admin/audit, permission gatehouse.admin.audit.read): a GET form of filters kept in the URL
// (user and actor by id or email, team slug or id, event type exact or "prefix.", outcome, from/to dates, and
// whether to include read access: user.searched/user.viewed are hidden unless asked), the events newest first as
// compact rows with their details in a <details> (audit-rows.ts), "Next page" / "Newest" cursor links, and
// /admin/audit/export.csv with the same filters: the CSV streamed from
// auditLog.exportCsv (formula-safe cells), X-Export-Truncated when it stops at the export limit; every export is
// itself audited (audit.exported: the filter, the row count, the admin). Bad filters: the page with the message, 400.
// The table's Time, Event and Actor headers sort it (sorting.ts; ?sort=&dir=, the database sorts and pages it:
// queries/audit-events.ts sortedPage); the pages' links and the filter form keep the order; the export stays newest
// first.
import type Router from "@koa/router";
import { Readable } from "node:stream";
import type { Context } from "koa";
import type { AppContext } from "../../web-context.ts";
import { AuditQueryError, EXPORT_MAX_ROWS } from "../../../services/audit-log.ts";
import type { AdminRouteHelpers } from "./shared.ts";
import { parseDateInput, RangeInputError } from "./dashboard-range.ts";
import { ADMIN_PERMISSIONS } from "../../../authz/core-permissions.ts";
import { auditRow } from "./audit-rows.ts";
import { sortHeaders, sortOf, type SortSpec } from "./sorting.ts";
import { sayFor, type Say } from "./config-words.ts";
import type { AuditSortColumn } from "../../../queries/audit-events.ts";

const PAGE_SIZE = 50;
const FIELDS = ["user", "actor", "team", "type", "outcome", "from", "to", "reads"] as const;
/** common event families for the type field's suggestions (any type or prefix may be typed) */
const TYPE_SUGGESTIONS = [
  "login.",
  "login.failed",
  "login.succeeded",
  "lockout.",
  "user.",
  "team.",
  "client.",
  "keys.",
  "session.",
  "password.",
  "password_reset.",
  "two_factor.",
  "passkey.",
  "email.",
  "account.",
  "system_role.",
  "audit.exported",
  "user.viewed",
  "user.searched",
];
type FormValues = Record<(typeof FIELDS)[number], string>;

/** the table's sortable columns (a whitelist: queries/audit-events.ts sortedPage; labels are message keys) */
const AUDIT_SORT: SortSpec<unknown> = {
  columns: {
    time: { label: "admin.audit.time" },
    type: { label: "admin.audit.event" },
    actor: { label: "admin.audit.actor" },
  } satisfies Record<AuditSortColumn, { label: string }>,
  default: { col: "time", dir: "desc" },
};

/** a filter the page refuses: its message key and vars (lib/i18n/en-admin.ts) */
class FilterError extends Error {
  constructor(
    readonly key: string,
    readonly vars: Record<string, string> = {},
  ) {
    super(key);
  }
}

function formValues(query: Record<string, unknown>): FormValues {
  const one = (k: string) => {
    const v = query[k];
    return (typeof v === "string" ? v : Array.isArray(v) ? String(v[0] ?? "") : "").trim();
  };
  return Object.fromEntries(FIELDS.map((f) => [f, one(f)])) as FormValues;
}

/** a user id as typed, or the id of the account with that email (it has an @: normalized there) */
async function userIdOf(app: AppContext, value: string): Promise<string> {
  if (!value.includes("@")) return value;
  const user = await app.services.accounts.findByIdentifier(value);
  if (!user) throw new FilterError("admin.audit.noUser", { email: value });
  return user.id;
}

/** the form's values as the audit log's filter: an email or a team slug resolved to its id */
async function toFilter(app: AppContext, v: FormValues): Promise<Record<string, string>> {
  const filter: Record<string, string> = {};
  if (v.user) filter.userId = await userIdOf(app, v.user);
  if (v.actor) filter.actorId = await userIdOf(app, v.actor);
  if (v.team) {
    if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v.team)) filter.teamId = v.team;
    else {
      const team = await app.services.userAdmin.teamBySlug(v.team.toLowerCase());
      if (!team) throw new FilterError("admin.audit.noTeam", { team: v.team });
      filter.teamId = team.id;
    }
  }
  if (v.type) filter.type = v.type;
  if (v.outcome) filter.outcome = v.outcome;
  try {
    if (v.from) filter.from = parseDateInput("from", v.from, false).toISOString();
    if (v.to) filter.to = parseDateInput("to", v.to, true).toISOString();
  } catch (err) {
    if (err instanceof RangeInputError) throw new FilterError(err.key, err.vars);
    throw err;
  }
  return filter;
}

const query = (v: Partial<FormValues> & { cursor?: string; sort?: string; dir?: string }) => {
  const q = new URLSearchParams();
  for (const [k, val] of Object.entries(v)) if (val) q.set(k, val);
  const s = q.toString();
  return s ? `?${s}` : "";
};

export function registerAdminAuditRoutes(router: Router, app: AppContext, h: AdminRouteHelpers): void {
  const { auditLog } = app.services;

  /** why filters were refused, in the page's words (the audit log service's own refusals are English) */
  const reasonOf = (err: FilterError | AuditQueryError, say: Say) =>
    err instanceof FilterError ? say(err.key, err.vars) : say(err.message);
  const badFilter = (ctx: Context, values: FormValues, err: FilterError | AuditQueryError) => {
    const say = sayFor(ctx, "audit", app.config.defaultLocale);
    return h.render(
      ctx,
      "audit",
      {
        section: "audit",
        title: "admin.section.audit",
        values,
        typeSuggestions: TYPE_SUGGESTIONS,
        events: [],
        headers: {},
        error: say("admin.audit.badFilter", { reason: reasonOf(err, say) }),
      },
      400,
    );
  };
  const hideReads = (values: FormValues) => ({ hideReads: values.reads !== "1" });

  router.get("/admin/audit", h.requireAdmin(ADMIN_PERMISSIONS.auditRead), async (ctx) => {
    const values = formValues(ctx.query);
    const cursor = typeof ctx.query.cursor === "string" ? ctx.query.cursor : undefined;
    const say = sayFor(ctx, "audit", app.config.defaultLocale);
    // a column header chose the order (the database sorts); else newest first
    const sort = sortOf(ctx, AUDIT_SORT);
    const chosen = Object.hasOwn(AUDIT_SORT.columns, typeof ctx.query.sort === "string" ? ctx.query.sort : "")
      ? { sort: String(sort.col), dir: sort.dir }
      : null;
    const order = chosen ? { col: chosen.sort as AuditSortColumn, dir: chosen.dir } : undefined;
    let page, size;
    try {
      const filter = await toFilter(app, values);
      [page, size] = await Promise.all([
        auditLog.list({ ...filter, cursor, limit: PAGE_SIZE }, { ...hideReads(values), sort: order }),
        auditLog.exportSize(filter, hideReads(values)),
      ]);
    } catch (err) {
      if (err instanceof FilterError || err instanceof AuditQueryError) return badFilter(ctx, values, err);
      throw err;
    }
    await h.render(ctx, "audit", {
      section: "audit",
      title: "admin.section.audit",
      values,
      typeSuggestions: TYPE_SUGGESTIONS,
      filtered: FIELDS.some((f) => values[f]),
      firstPage: !cursor,
      events: page.events.map((e) => auditRow(e, say)),
      headers: sortHeaders(ctx, AUDIT_SORT, sort, "/admin/audit", say),
      sortChosen: chosen,
      nextUrl: page.nextCursor ? `/admin/audit${query({ ...values, ...chosen, cursor: page.nextCursor })}` : null,
      newestUrl: cursor ? `/admin/audit${query({ ...values, ...chosen })}` : null,
      exportUrl: `/admin/audit/export.csv${query(values)}`,
      exportRows: size.rows,
      exportTruncated: size.truncated,
      exportMax: EXPORT_MAX_ROWS,
    });
  });

  router.get("/admin/audit/export.csv", h.requireAdmin(ADMIN_PERMISSIONS.auditRead), async (ctx) => {
    const values = formValues(ctx.query);
    let exported: Awaited<ReturnType<typeof auditLog.exportFor>>;
    try {
      exported = await auditLog.exportFor(await toFilter(app, values), h.actor(ctx), hideReads(values));
    } catch (err) {
      if (err instanceof FilterError || err instanceof AuditQueryError) return badFilter(ctx, values, err);
      throw err;
    }
    const { size, chunks } = exported;
    const day = app.clock.now().toISOString().slice(0, 10);
    ctx.status = 200;
    ctx.set("Content-Type", "text/csv; charset=utf-8");
    ctx.set("Content-Disposition", `attachment; filename="gatehouse-audit-${day}.csv"`);
    ctx.set("Cache-Control", "no-store");
    if (size.truncated) ctx.set("X-Export-Truncated", "true");
    ctx.body = Readable.from(chunks);
  });
}
