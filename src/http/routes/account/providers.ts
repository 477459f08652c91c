// /account/sign-in-providers (#17): the upstream identity providers the account is linked to (provider, the
// address at link time, linked on, last used) and unlinking one (CSRF), refused when it would leave no way to
// sign in (no password, no passkey, no other linked provider).
import type Router from "@koa/router";
import type { Context } from "koa";
import type { AppContext } from "../../web-context.ts";
import { defineForms } from "../../forms.ts";
import type { AccountRouteHelpers } from "./helpers.ts";
import { UUID } from "../../../lib/ids.ts";

const CSRF_BINDING = "account-providers";
const LAST_WAY_IN = "This provider is your only way to sign in. Set a password or add a passkey first, then unlink it.";

export function registerProviderRoutes(router: Router, app: AppContext, h: AccountRouteHelpers): void {
  const { csrf, services } = app;
  const forms = defineForms(router, app, { guard: h.requireAccount, csrf: CSRF_BINDING });

  async function show(ctx: Context, locals: { notice?: string; error?: string } = {}, status = 200) {
    const { user } = h.account(ctx);
    const identities = await services.federatedAccounts.identitiesOf(user.id);
    return h.render(
      ctx,
      "providers",
      {
        title: "Sign-in providers",
        section: "providers",
        csrfToken: csrf.token(ctx, CSRF_BINDING),
        identities: identities.map((i) => ({
          id: i.id,
          provider: i.connector.name,
          slug: i.connector.slug,
          email: i.email,
          linkedAt: i.createdAt,
          lastUsedAt: i.lastUsedAt,
        })),
        ...locals,
      },
      status,
    );
  }

  router.get("/account/sign-in-providers", h.requireAccount, (ctx) => show(ctx));

  forms.post({
    path: "/account/sign-in-providers/:id/unlink",
    async handle(ctx) {
      const id = String(ctx.params.id ?? "");
      const result = UUID.test(id)
        ? await services.federatedAccounts.unlink(h.account(ctx).user.id, id, h.requestInfo(ctx))
        : { outcome: "not_found" as const };
      if (result.outcome === "not_found")
        return show(ctx, { error: "There is no such linked provider. It may have been unlinked already." }, 404);
      if (result.outcome === "last_way_in") return show(ctx, { error: LAST_WAY_IN }, 409);
      return show(ctx, { notice: "The provider is unlinked: it no longer signs you in to this account." });
    },
  });
}
