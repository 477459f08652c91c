// /account/devices: the browsers the user trusted for sign-in (label, trusted on, last used, IP and country,
// "this device" when this browser's cookie matches), revoking one or all (CSRF). A revoked browser is asked
// for an emailed code at its next sign-in.
import type Router from "@koa/router";
import type { Context } from "koa";
import type { AppContext } from "../../web-context.ts";
import { defineForms } from "../../forms.ts";
import { createDeviceCookie } from "../../device-cookie.ts";
import type { AccountRouteHelpers } from "./helpers.ts";
import { UUID } from "../../../lib/ids.ts";

const CSRF_BINDING = "account-devices";
const regions = new Intl.DisplayNames(["en"], { type: "region" });

/** "Germany" from "DE"; the code itself when the name is unknown */
function countryName(code: string | null): string | null {
  if (!code) return null;
  try {
    return regions.of(code) ?? code;
  } catch {
    return code;
  }
}

export function registerDevicesRoutes(router: Router, app: AppContext, h: AccountRouteHelpers): void {
  const { csrf, services } = app;
  const forms = defineForms(router, app, { guard: h.requireAccount, csrf: CSRF_BINDING });
  const cookie = createDeviceCookie(app.config);

  async function renderDevices(ctx: Context, locals: { notice?: string; error?: string } = {}, status = 200) {
    const { user } = h.account(ctx);
    const devices = await services.devices.list(user.id, cookie.read(ctx));
    return h.render(
      ctx,
      "devices",
      {
        title: "Devices",
        section: "devices",
        csrfToken: csrf.token(ctx, CSRF_BINDING),
        policy: app.config.deviceApproval.policy,
        devices: devices.map((d) => ({
          id: d.id,
          label: d.label,
          current: d.current,
          ip: d.ip,
          country: countryName(d.countryCode),
          // dates as dates: the page writes them in its language and the account's time zone
          trustedAt: d.createdAt,
          lastUsedAt: d.lastUsedAt,
          expiresAt: d.expiresAt,
        })),
        ...locals,
      },
      status,
    );
  }

  router.get("/account/devices", h.requireAccount, (ctx) => renderDevices(ctx));

  forms.post({
    path: "/account/devices/revoke-all",
    async handle(ctx) {
      const count = await services.devices.revokeAll(h.account(ctx).user.id, h.requestInfo(ctx));
      const notice = count === 0 ? "devices.noneTrusted" : count === 1 ? "devices.oneStopped" : "devices.allStopped";
      return renderDevices(ctx, { notice: h.say(ctx)(notice, { count }) });
    },
  });

  forms.post({
    path: "/account/devices/:id/revoke",
    async handle(ctx) {
      const id = String(ctx.params.id ?? "");
      const revoked = UUID.test(id) && (await services.devices.revoke(h.account(ctx).user.id, id, h.requestInfo(ctx)));
      if (!revoked) return renderDevices(ctx, { error: "devices.notFound" }, 404);
      return renderDevices(ctx, { notice: "devices.stopped" });
    },
  });
}
