// Registering and editing a client on the admin pages: GET/POST /admin/clients/new (a confidential client's
// secret shown once on the answer to the POST, never stored or logged) and GET/POST /admin/clients/:id/edit
// (every field but its type). The form (clients-form.ts) is judged by the client service's newClientSchema; a
// refusal shows inline on the form (400). Audited by the service with the acting admin (client.created / updated).
import { clientNotFound, clientView, type ClientPages } from "./clients-pages.ts";
import { checked, errorsOf, formFromClient, formOf, isErrors } from "./clients-form.ts";

/** GET/POST /admin/clients/new */
export function registerClientRegistration(p: ClientPages): void {
  const { router, guard, forms, h, say, renderForm } = p;
  const { services, config } = p.app;

  router.get("/admin/clients/new", guard, (ctx) =>
    renderForm(ctx, "new", { ...formOf({}), type: "confidential", grantTypes: ["authorization_code", "refresh_token"] }),
  );

  forms.post({
    path: "/admin/clients/new",
    handle: async (ctx, { submitted: b }) => {
      const f = formOf(b);
      const input = checked(f, config.resourceServers);
      if (isErrors(input)) return renderForm(ctx, "new", f, { errors: input }, 400);
      try {
        const { client, secret } = await services.clientAdmin.create({ ...input, type: f.type as "confidential" | "public" }, p.actor(ctx));
        return h.render(ctx, "clients-secret", {
          section: "clients",
          title: say(ctx, "clients-secret")("adminCfg.clients.registeredTitle", { name: client.name }),
          client: clientView(client),
          secret,
          created: true,
          issuer: config.issuer,
        });
      } catch (err) {
        const errors = errorsOf(err, say(ctx, "clients-form"));
        if (!errors) throw err;
        return renderForm(ctx, "new", f, { errors }, 400);
      }
    },
  });
}

/** GET/POST /admin/clients/:id/edit */
export function registerClientEditing(p: ClientPages): void {
  const { router, guard, forms, h, say, renderForm, clientOr404 } = p;
  const { services, config } = p.app;

  router.get("/admin/clients/:id/edit", guard, async (ctx) => {
    const c = await clientOr404(ctx);
    return renderForm(ctx, "edit", formFromClient(c), { client: c });
  });

  forms.post({
    path: "/admin/clients/:id/edit",
    load: clientOr404,
    handle: async (ctx, { loaded: c, submitted: b }) => {
      const f = { ...formOf(b), type: c.type };
      const input = checked(f, config.resourceServers);
      if (isErrors(input)) return renderForm(ctx, "edit", f, { client: c, errors: input }, 400);
      try {
        // the form has no scope field: the client keeps its own (a client made through the API or CLI may differ)
        const result = await services.clientAdmin.update(c.id, { ...input, scope: undefined }, p.actor(ctx));
        if (result.outcome === "not_found") throw clientNotFound();
        const updated = result.client;
        return h.render(ctx, "clients-detail", {
          section: "clients",
          title: updated.name,
          client: clientView(updated),
          notice: "adminCfg.clients.saved",
        });
      } catch (err) {
        const errors = errorsOf(err, say(ctx, "clients-form"));
        if (!errors) throw err;
        return renderForm(ctx, "edit", f, { client: c, errors }, 400);
      }
    },
  });
}
