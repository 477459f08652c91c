// The admin dashboard (/admin/dashboard, permission gatehouse.admin.audit.read): headline counts (users, teams,
// live sessions) and the login analytics of a chosen range (services.analytics.logins): the rates, the average
// session duration, and logins over time as a server-rendered SVG chart (chart-svg.ts + partials/admin-chart.eta)
// with the same numbers in a table. The range is a preset or from/to dates (dashboard-range.ts) sent by a GET
// form; a bad range shows the page with the message (400) and no figures.
import type Router from "@koa/router";
import type { Context } from "koa";
import type { AppContext } from "../../web-context.ts";
import { AnalyticsQueryError, type LoginAnalytics } from "../../../services/analytics.ts";
import type { AdminRouteHelpers } from "./shared.ts";
import { layoutLoginChart } from "./chart-svg.ts";
import { dashboardRange, RangeInputError, RANGE_PRESETS, type DashboardRange } from "./dashboard-range.ts";
import { ADMIN_PERMISSIONS } from "../../../authz/core-permissions.ts";
import { localText } from "../../../lib/time-zone.ts";
import { sayFor, type Say } from "./config-words.ts";

/** a rate as a percentage with one decimal, or null ("n/a" in the page's words) when there was nothing to divide by */
export const percent = (rate: number | null) => (rate === null ? null : `${(rate * 100).toFixed(1)}%`);

/** seconds as "1 h 10 min", "4 min 5 s" (the same units in English, German and French), or null (n/a) */
export function duration(seconds: number | null): string | null {
  if (seconds === null) return null;
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (h > 0) return m ? `${h} h ${m} min` : `${h} h`;
  if (m > 0) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  return `${s} s`;
}

/** the rates as the page shows them: label and detail are message keys (lib/i18n/en-admin.ts), the detail with its vars */
function rates(a: LoginAnalytics) {
  return [
    {
      key: "success",
      label: "admin.rate.success",
      value: percent(a.logins.successRate),
      detail: "admin.rate.ofAttempts",
      vars: { n: a.logins.succeeded, of: a.logins.attempts },
    },
    {
      key: "failure",
      label: "admin.rate.failure",
      value: percent(a.logins.failureRate),
      detail: "admin.rate.ofAttempts",
      vars: { n: a.logins.failed, of: a.logins.attempts },
    },
    {
      key: "suspicious",
      label: "admin.rate.suspicious",
      value: percent(a.suspicious.rate),
      detail: "admin.rate.ofEvaluated",
      vars: { n: a.suspicious.held, of: a.suspicious.evaluated },
    },
    {
      key: "device",
      label: "admin.rate.device",
      value: percent(a.deviceApproval.rate),
      detail: "admin.rate.deviceDetail",
      vars: { n: a.deviceApproval.withEmailedCode, of: a.deviceApproval.succeeded, codes: a.deviceApproval.codesSent },
    },
    {
      key: "session",
      label: "admin.rate.session",
      value: duration(a.sessions.averageSeconds),
      detail: "admin.rate.sessionDetail",
      vars: { n: a.sessions.measured },
    },
    {
      key: "reset",
      label: "admin.rate.reset",
      value: percent(a.passwordResets.rate),
      detail: "admin.rate.resetDetail",
      vars: { n: a.passwordResets.requested },
    },
  ];
}

/** why a range was refused, in the page's words (the analytics service's refusals are English texts) */
function reasonOf(err: RangeInputError | AnalyticsQueryError, say: Say): string {
  if (err instanceof RangeInputError) return say(err.key, err.vars);
  const tooLong = /^the range may be at most (\d+) days$/.exec(err.message);
  return tooLong ? say("admin.range.tooLong", { days: tooLong[1]! }) : say(err.message);
}

export function registerAdminDashboardRoutes(router: Router, app: AppContext, h: AdminRouteHelpers): void {
  const { analytics: loginAnalytics } = app.services;

  router.get("/admin/dashboard", h.requireAdmin(ADMIN_PERMISSIONS.auditRead), async (ctx: Context) => {
    const now = app.clock.now();
    const zone = app.config.dashboardTimeZone;
    const clockText = (iso: string) => `${localText(zone, new Date(iso))} ${zone}`;
    const say = sayFor(ctx, "dashboard", app.config.defaultLocale);
    const base = {
      section: "dashboard" as const,
      title: "admin.section.dashboard",
      presets: RANGE_PRESETS,
      counts: await loginAnalytics.counts(now),
    };
    let range: DashboardRange;
    let analytics: LoginAnalytics;
    try {
      range = dashboardRange(ctx.query, now, zone);
      analytics = await loginAnalytics.logins({ from: range.from.toISOString(), to: range.to.toISOString() }, zone);
    } catch (err) {
      if (!(err instanceof RangeInputError || err instanceof AnalyticsQueryError)) throw err;
      const q = ctx.query;
      const keep = (k: string) => (typeof q[k] === "string" ? (q[k] as string) : "");
      return h.render(
        ctx,
        "dashboard",
        {
          ...base,
          error: say("admin.dashboard.badRange", { reason: reasonOf(err, say) }),
          range: { preset: null, fromInput: keep("from"), toInput: keep("to") },
        },
        400,
      );
    }
    const chart = layoutLoginChart(
      analytics.series,
      analytics.bucket,
      { from: clockText(analytics.from), to: clockText(analytics.to) },
      say,
    );
    await h.render(ctx, "dashboard", {
      ...base,
      range,
      period: { from: clockText(analytics.from), to: clockText(analytics.to), bucket: analytics.bucket, zone },
      rates: rates(analytics),
      logins: analytics.logins,
      chart,
      // a day row is its calendar date, an hour row its clock hour (both on the dashboard's clock)
      rows: analytics.series.map((b) => ({
        start: analytics.bucket === "day" ? (b.local ?? b.start).slice(0, 10) : clockText(b.start),
        succeeded: b.succeeded,
        failed: b.failed,
      })),
    });
  });
}
