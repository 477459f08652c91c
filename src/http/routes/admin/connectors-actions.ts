// The one-click actions on a sign-in provider (admin pages; each a POST back to the list with a notice or an
// error): enable/disable; for private_key_jwt, "make a new signing key" (the old one stays published) and
// "remove the old keys"; and delete (a confirmation page first; refused, 409, while accounts sign in through it).
// The same use case as the API and the CLI (services/federation), which audits each with the acting admin.
import { sayFor } from "./config-words.ts";
import { connectorNotFound, CONNECTORS_CSRF, type ConnectorPages } from "./connectors-pages.ts";

/** POST /admin/connectors/:id/enable, /disable, /rotate-key and /remove-old-keys */
export function registerConnectorSwitches(p: ConnectorPages): void {
  const { forms, renderList, sayList, connectorOr404 } = p;
  const { services } = p.app;

  for (const [action, enabled] of [
    ["enable", true],
    ["disable", false],
  ] as const)
    forms.post({
      path: `/admin/connectors/:id/${action}`,
      load: connectorOr404,
      handle: async (ctx, { loaded: c }) => {
        await services.connectors.update(c.id, { enabled }, p.actor(ctx));
        return renderList(ctx, sayList(ctx)(enabled ? "adminCfg.connectors.enabled" : "adminCfg.connectors.disabled", { name: c.name }));
      },
    });

  // private_key_jwt: a new signing key (the old one stays published), then the old ones removed (the edit page)
  for (const [action, done] of [
    ["rotate-key", "adminCfg.connectors.keyRotated"],
    ["remove-old-keys", "adminCfg.connectors.keysRemoved"],
  ] as const) {
    forms.post({
      path: `/admin/connectors/:id/${action}`,
      load: connectorOr404,
      handle: async (ctx, { loaded: c }) => {
        const result =
          action === "rotate-key"
            ? await services.connectors.rotateKey(c.id, p.actor(ctx))
            : await services.connectors.removeOldKeys(c.id, p.actor(ctx));
        if (result.outcome === "not_found") throw connectorNotFound();
        if (result.outcome === "invalid") return renderList(ctx, undefined, `${c.name}: ${sayList(ctx)(result.message)}`, 400);
        return renderList(ctx, sayList(ctx)(done, { name: c.name }));
      },
    });
  }
}

/** GET (the confirmation) and POST /admin/connectors/:id/delete */
export function registerConnectorDeletion(p: ConnectorPages): void {
  const { router, h, guard, forms, renderList, sayList, connectorOr404 } = p;
  const { services, csrf, config } = p.app;

  router.get("/admin/connectors/:id/delete", guard, async (ctx) => {
    const c = await connectorOr404(ctx);
    const say = sayFor(ctx, "clients-confirm", config.defaultLocale);
    return h.render(ctx, "clients-confirm", {
      section: "connectors",
      title: "adminCfg.connectors.deleteTitle",
      csrfToken: csrf.token(ctx, CONNECTORS_CSRF),
      confirm: {
        title: say("adminCfg.connectors.deleteTitle"),
        message: say("adminCfg.connectors.deleteBody", { name: c.name, slug: c.slug }),
        button: say("adminCfg.deleteNamed", { name: c.name }),
        action: `/admin/connectors/${c.id}/delete`,
        back: "/admin/connectors",
      },
    });
  });

  forms.post({
    path: "/admin/connectors/:id/delete",
    load: connectorOr404,
    handle: async (ctx, { loaded: c }) => {
      const result = await services.connectors.remove(c.id, p.actor(ctx));
      if (result.outcome === "in_use")
        return renderList(ctx, undefined, sayList(ctx)("adminCfg.connectors.inUse", { name: c.name, n: result.linked }), 409);
      return renderList(ctx, sayList(ctx)("adminCfg.connectors.deleted", { name: c.name }));
    },
  });
}
