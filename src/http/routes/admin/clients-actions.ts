// The confirmed actions on a client (admin pages): rotating its secret (confirmation, then the new secret once; the
// old one stops working at once; a public client has none: the client.public refusal) and deleting it
// (confirmation naming it: it can no longer authenticate, start logins or refresh tokens). GET shows the
// confirmation, POST acts; audited by the service with the acting admin (client.secret_rotated / deleted).
import type { OidcClient } from "../../../queries/clients.ts";
import { catalogueError } from "../../errors.ts";
import type { Say } from "./config-words.ts";
import { clientNotFound, clientView, CLIENTS_CSRF, type ClientPages } from "./clients-pages.ts";

// the refusal the API and the CLI give too (client.public), so the same outcome has the same status and words
const publicClient = (c: OidcClient) => catalogueError("client.public", { startOverUrl: `/admin/clients/${c.id}` });

/** the confirmation pages' texts; `tokenTtlMinutes`: how long tokens already issued stay valid after a delete */
function confirmationsOf(tokenTtlMinutes: number) {
  return {
    "rotate-secret": (c: OidcClient, said: Say) => ({
      title: said("adminCfg.clients.rotateTitle"),
      message: said("adminCfg.clients.rotateBody", { name: c.name, id: c.id }),
      button: said("adminCfg.client.rotateButton"),
    }),
    delete: (c: OidcClient, said: Say) => ({
      title: said("adminCfg.clients.deleteTitle"),
      message: said("adminCfg.clients.deleteBody", { name: c.name, id: c.id, minutes: tokenTtlMinutes }),
      button: said("adminCfg.deleteNamed", { name: c.name }),
    }),
  };
}

/** GET and POST /admin/clients/:id/rotate-secret and /admin/clients/:id/delete */
export function registerClientActions(p: ClientPages): void {
  const { router, guard, forms, h, say, clientOr404, renderList } = p;
  const { services, csrf, config } = p.app;
  const tokenTtlMinutes = Math.ceil(Math.max(config.tokens.accessTokenTtl, config.tokens.clientCredentialsTtl) / 60);
  const confirmations = confirmationsOf(tokenTtlMinutes);

  for (const action of ["rotate-secret", "delete"] as const)
    router.get(`/admin/clients/:id/${action}`, guard, async (ctx) => {
      const c = await clientOr404(ctx);
      if (action === "rotate-secret" && c.type !== "confidential") throw publicClient(c);
      const confirm = confirmations[action](c, say(ctx, "clients-confirm"));
      return h.render(ctx, "clients-confirm", {
        section: "clients",
        title: confirm.title,
        confirm: { ...confirm, action: `/admin/clients/${c.id}/${action}`, back: `/admin/clients/${c.id}` },
        csrfToken: csrf.token(ctx, CLIENTS_CSRF),
      });
    });

  forms.post({
    path: "/admin/clients/:id/rotate-secret",
    load: clientOr404,
    handle: async (ctx, { loaded: c }) => {
      const rotated = await services.clientAdmin.rotateSecret(c.id, p.actor(ctx));
      if (rotated.outcome === "public") throw publicClient(c);
      if (rotated.outcome === "not_found") throw clientNotFound();
      const { secret } = rotated;
      return h.render(ctx, "clients-secret", {
        section: "clients",
        title: say(ctx, "clients-secret")("adminCfg.clients.newSecretTitle", { name: c.name }),
        client: clientView(c),
        secret,
        created: false,
        issuer: config.issuer,
      });
    },
  });

  forms.post({
    path: "/admin/clients/:id/delete",
    load: clientOr404,
    handle: async (ctx, { loaded: c }) => {
      await services.clientAdmin.remove(c.id, p.actor(ctx));
      return renderList(ctx, say(ctx, "clients")("adminCfg.clients.deleted", { name: c.name }));
    },
  });
}
