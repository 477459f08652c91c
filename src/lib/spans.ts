// Spans around Gatehouse's own steps (the login flow's), through the OpenTelemetry API: no-ops unless tracing is
// on (lib/tracing.ts registers the SDK). Attributes are fixed names and outcome kinds, never identifiers of
// people, sessions or interactions, and never input.
import { SpanStatusCode, trace, type Attributes } from "@opentelemetry/api";

const tracer = trace.getTracer("gatehouse");

/** runs `fn` in a span `name`; `after` adds attributes from its result; a throw marks the span as failed */
export function inSpan<T>(name: string, attributes: Attributes, fn: () => Promise<T>, after?: (result: T) => Attributes): Promise<T> {
  return tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      const result = await fn();
      if (after) span.setAttributes(after(result));
      return result;
    } catch (err) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error)?.name ?? "Error" });
      throw err;
    } finally {
      span.end();
    }
  });
}

/** the active span (an HTTP request's): named after its route template once the route is known */
export function nameActiveSpan(method: string, route: string): void {
  const span = trace.getActiveSpan();
  if (!span) return;
  span.updateName(`${method} ${route}`);
  span.setAttribute("http.route", route);
}
