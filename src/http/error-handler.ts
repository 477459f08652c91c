// Turns errors from Gatehouse's own routes into a clear page (or JSON for API callers) with the right status.
// Postgres or Redis not there (db/unavailable.ts) is a 503 with Retry-After. Unexpected errors are logged with
// their stack and shown as a plain 500: no details reach the user. Every path under /api answers the REST API's
// JSON errors (api-errors.ts) whatever the Accept header says, also for refusals made before the API's router runs
// and for an error status nothing answered. A URL nothing answered outside /api gets the styled 404 page.
import type { Middleware } from "koa";
import type { Views } from "../lib/views.ts";
import { AppError, serviceUnavailable } from "./errors.ts";
import { answerApiError, answerEmptyApiError, isApiPath } from "./api-errors.ts";
import { isDependencyUnavailable } from "../db/unavailable.ts";
import { localeOf } from "./locale.ts";
import { translateText, translator, type Locale } from "../lib/i18n/index.ts";

/** a URL nothing answered: the styled page (JSON for a JSON caller), never Koa's plain-text "Not Found" */
async function notFound(ctx: Parameters<Middleware>[0], views: Views, defaultLocale: Locale): Promise<void> {
  const message = "There is no page at this address. Check the link, or go to the start page.";
  ctx.status = 404;
  if (ctx.accepts("html", "json") === "json") {
    ctx.body = { code: "not_found", message, data: {} };
    return;
  }
  ctx.type = "html";
  // in the visitor's language (http/locale.ts); other errors' messages come from the code in English, and so does their page
  ctx.body = await views.render("pages/error", {
    title: "Page not found",
    titleKey: "error.notFound",
    messageKey: "error.notFoundMessage",
    status: 404,
    message,
    requestId: ctx.state.requestId,
    homeUrl: "/",
    locale: localeOf(ctx, defaultLocale),
  });
}

export function errorHandler(views: Views, defaultLocale: Locale = "en"): Middleware {
  return async (ctx, next) => {
    if (isApiPath(ctx.path)) {
      try {
        await next();
      } catch (err) {
        answerApiError(ctx, err);
        return;
      }
      answerEmptyApiError(ctx);
      return;
    }
    try {
      await next();
      if (ctx.status === 404 && ctx.body == null) await notFound(ctx, views, defaultLocale);
    } catch (err) {
      const known = err instanceof AppError ? err : isDependencyUnavailable(err) ? serviceUnavailable() : undefined;
      const httpish = err as { status?: number; expose?: boolean; message?: string };
      const status = known?.status ?? (httpish.expose && httpish.status && httpish.status < 500 ? httpish.status : 500);
      const message =
        known?.publicMessage ?? (status < 500 ? (httpish.message ?? "Bad request") : "Something went wrong on our side. Please try again.");
      if (status >= 500) ctx.state.log?.error({ err }, known ? "service unavailable" : "unhandled error");
      if (typeof known?.data?.retryAfter === "number") ctx.set("Retry-After", String(known.data.retryAfter));
      ctx.status = status;
      if (ctx.accepts("html", "json") === "json") {
        ctx.body = { code: known?.code ?? (status >= 500 ? "internal_error" : "bad_request"), message, data: known?.data ?? {} };
        return;
      }
      ctx.type = "html";
      // a message some catalogue has (lib/i18n) shows in the visitor's language, and so does its page; any other
      // message stays English with its page (never a page half in another language)
      const locale = localeOf(ctx, defaultLocale);
      // (a service's refusal carries its message key and values: always said in the visitor's language)
      const said = known?.said ? translator(locale)(known.said.key, known.said.values) : translateText(translator(locale), message);
      const inLanguage =
        said !== message || known?.said ? { locale, message: said, titleKey: status >= 500 ? "error.server" : "error.requestProblem" } : {};
      ctx.body = await views.render("pages/error", {
        title: status >= 500 ? "Error" : "Request problem",
        status,
        message,
        requestId: ctx.state.requestId,
        startOverUrl: known?.data?.startOverUrl,
        ...inLanguage,
      });
    }
  };
}
