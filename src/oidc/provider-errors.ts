// oidc-provider's user-facing errors (bad client_id, bad redirect_uri, expired interaction ...) as our error
// page: a clear message, never a redirect to an unverified URI, never a stack trace.
import type { KoaContextWithOIDC, ErrorOut } from "oidc-provider";
/** renders one of Gatehouse's pages (the http layer's views, passed in) */
export type RenderPage = (page: string, locals: Record<string, unknown>) => Promise<string>;

const MESSAGES: Record<string, string> = {
  invalid_client: "This application is not registered with Gatehouse.",
  invalid_redirect_uri: "This application asked to send you to an address it has not registered, so we stopped here.",
  invalid_request: "The sign-in request was not valid.",
  session_not_found: "Your sign-in session was not found or has expired. Please start again from the application.",
  invalid_target: "This application may not ask for access to that service.",
};

export async function renderProviderError(ctx: KoaContextWithOIDC, renderPage: RenderPage, out: ErrorOut, error: Error): Promise<void> {
  const key = out.error === "invalid_request" && /redirect_uri/.test(out.error_description ?? "") ? "invalid_redirect_uri" : out.error;
  const message = MESSAGES[key] ?? out.error_description ?? "Something went wrong with this sign-in request.";
  ctx.type = "html";
  ctx.body = await renderPage("pages/error", {
    title: "Sign-in problem",
    status: ctx.status,
    message: (error as { expose?: boolean }).expose === false ? "Something went wrong." : message,
    requestId: ctx.state?.requestId,
    startOverUrl: undefined,
  });
}
