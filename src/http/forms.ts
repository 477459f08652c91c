// One declaration per HTML form route (#13 item 3): who may post, what the form is about, CSRF (always, for
// every POST), an optional rate limit, the zod schemas of the body and URL parameters, how the page re-renders a
// refused input, and the handler with the parsed, typed input. The steps always run in this order, so a route
// cannot forget one or do them out of turn:
//   guard (middleware: signed in, admin permission) -> scope (what the URL names and the actor's rights there:
//   a 404 or 403 page for anyone else) -> CSRF -> rate limit -> load (the thing the form acts on, after the
//   checks) -> parse body and params (failure: `invalid` re-renders with the first message, at least a 400)
//   -> handle.
import type Router from "@koa/router";
import type { Context, Middleware } from "koa";
import { z } from "zod";
import type { Csrf, VerifyOptions } from "./csrf.ts";
import type { RateLimits } from "./rate-limit.ts";
import { parseBody } from "./body.ts";
import { catalogueError } from "./errors.ts";

/** the first refused field of a form, for the page to show next to it */
export type FormProblem = { message: string; field: string };

type Submitted = Record<string, unknown>;
/** what every step after the guard sees */
export type FormState<Scope, Loaded> = { scope: Scope; loaded: Loaded; submitted: Submitted };
export type FormInput<Body, Params, Scope, Loaded> = FormState<Scope, Loaded> & { body: Body; params: Params };

type Binding = string | ({ binding: string } & VerifyOptions);

export type FormSpec<BodySchema extends z.ZodType, ParamsSchema extends z.ZodType, Scope, Loaded> = {
  path: string;
  /** who may post at all: e.g. requireAccount, an admin permission's requireAdmin(…) */
  guard?: Middleware | Middleware[];
  /** what the URL names, resolved before CSRF (a team's actor: 404 for non-members, 403 without the permission) */
  scope?: (ctx: Context) => Promise<Scope>;
  /** the CSRF binding the page's form was given (csrf.token(ctx, binding)), here or in the defaults: no way to turn it off */
  csrf?: Binding | ((ctx: Context, state: { scope: Scope; submitted: Submitted }) => Binding);
  /** the limits this form spends (app.rateLimits by name), keyed by the client's IP unless `key` says otherwise */
  rateLimit?: RateLimitSpec<Scope> | RateLimitSpec<Scope>[];
  /** what the form acts on, once the checks passed; may throw a refusal (AppError) */
  load?: (ctx: Context, state: { scope: Scope; submitted: Submitted }) => Promise<Loaded>;
  /** the body's schema (the form's fields; `_csrf` is taken out before); without it, a form of no fields */
  body?: BodySchema;
  /** the URL parameters' schema; a failure is answered like a bad body */
  params?: ParamsSchema;
  /** what `body` parses: the submitted fields unless the route fixes some (e.g. an invited address) */
  input?: (state: FormState<Scope, Loaded>) => unknown;
  /** re-renders the page with `problem`; the answer is at least a 400 (without it: the error page, 400) */
  invalid?: (ctx: Context, problem: FormProblem, state: FormState<Scope, Loaded>) => Promise<unknown>;
  handle: (ctx: Context, input: FormInput<z.output<BodySchema>, z.output<ParamsSchema>, Scope, Loaded>) => Promise<unknown>;
};

export type RateLimitSpec<Scope> = { limit: keyof RateLimits; key?: (ctx: Context, scope: Scope) => string };

/** what the forms of one router share unless a form says otherwise: the area's guard, the page's CSRF binding, the body parser */
export type FormDefaults = { guard?: Middleware | Middleware[]; csrf?: Binding | ((ctx: Context) => Binding); body?: Middleware };

/** what defineForm needs of the app (the test builds just these) */
export type FormDeps = { csrf: Csrf; rateLimits: RateLimits; config: { bodyLimit: string } };

const noFields = z.object({});

function firstProblem(error: z.ZodError): FormProblem {
  const issue = error.issues[0];
  return { message: issue?.message ?? "Check the form and try again.", field: String(issue?.path[0] ?? "") };
}

/**
 * The form routes of one router: `forms.post({ … })` registers a POST with the steps above. `shared`: the body
 * parser to use (one per router is enough; without it one is made with the configured size limit), or the defaults.
 */
export function defineForms(router: Router, deps: FormDeps, shared: Middleware | FormDefaults = {}) {
  const { body = parseBody(deps.config.bodyLimit), ...defaults } = typeof shared === "function" ? { body: shared } : shared;
  return {
    post<
      BodySchema extends z.ZodType = typeof noFields,
      ParamsSchema extends z.ZodType = z.ZodType<Record<string, never>>,
      Scope = undefined,
      Loaded = undefined,
    >(spec: FormSpec<BodySchema, ParamsSchema, Scope, Loaded>): void {
      const guard = spec.guard ?? defaults.guard;
      const guards = guard === undefined ? [] : Array.isArray(guard) ? guard : [guard];
      const csrf = spec.csrf ?? defaults.csrf;
      if (csrf === undefined) throw new Error(`POST ${spec.path}: a form needs its CSRF binding`);
      const limits = spec.rateLimit === undefined ? [] : Array.isArray(spec.rateLimit) ? spec.rateLimit : [spec.rateLimit];
      router.post(spec.path, ...guards, body, async (ctx) => {
        const raw = (ctx.request.body as Submitted | undefined) ?? {};
        const scope = (spec.scope ? await spec.scope(ctx) : undefined) as Scope;
        const { _csrf: token, ...submitted } = raw;
        const binding = typeof csrf === "function" ? csrf(ctx, { scope, submitted }) : csrf;
        if (typeof binding === "string") deps.csrf.verify(ctx, binding, token);
        else deps.csrf.verify(ctx, binding.binding, token, { allowNullOrigin: binding.allowNullOrigin });
        for (const l of limits) await deps.rateLimits[l.limit].consume(l.key ? l.key(ctx, scope) : ctx.ip);
        const loaded = (spec.load ? await spec.load(ctx, { scope, submitted }) : undefined) as Loaded;
        const state: FormState<Scope, Loaded> = { scope, loaded, submitted };
        const params = spec.params ? spec.params.safeParse(ctx.params) : ({ success: true, data: {} } as const);
        const parsed = params.success ? (spec.body ?? noFields).safeParse(spec.input ? spec.input(state) : submitted) : params;
        if (!parsed.success) {
          const problem = firstProblem(parsed.error);
          if (!spec.invalid) throw catalogueError("form.invalid", undefined, { message: problem.message });
          await spec.invalid(ctx, problem, state);
          if (ctx.status < 400) ctx.status = 400;
          return;
        }
        await spec.handle(ctx, {
          ...state,
          body: parsed.data as z.output<BodySchema>,
          params: (params.data ?? {}) as z.output<ParamsSchema>,
        });
      });
    },
  };
}

export type Forms = ReturnType<typeof defineForms>;

/**
 * a field read by `read` whatever arrived (missing, once, many times): for fields the service judges itself
 * (zod 4 refuses a missing key of z.unknown().transform(…), hence the optional)
 */
export const formField = <T>(read: (value: unknown) => T) => z.unknown().optional().transform(read);
/** a form field as the string it should be, or "" (a missing field, or one sent twice) */
export const stringOr = (value: unknown, fallback = ""): string => (typeof value === "string" ? value : fallback);
/** the form of an emailed link's page: the link's token, posted back (the service tells a bad one) */
export const linkTokenBody = z.object({ token: formField((v) => stringOr(v)) });
