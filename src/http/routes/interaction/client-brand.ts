// A client's own branding (#18; services/branding.ts) on its sign-in and consent pages: the layout gets the brand
// in the client's logo and colour as it.brand, and the page names the client by its display name. Gatehouse's
// own account pages keep the instance's brand.
import type { AppContext } from "../../web-context.ts";
import { ACCOUNT_CLIENT_ID } from "../../../oidc/configuration.ts";
import type { ClientSiteBrand } from "../../../services/branding.ts";

/** `name`: the client's name as the page would show it without branding (undefined: Gatehouse's own pages) */
export async function clientBrandLocals(
  app: AppContext,
  clientId: string,
  name: string | undefined,
): Promise<{ clientName: string | undefined; brand?: ClientSiteBrand }> {
  if (clientId === ACCOUNT_CLIENT_ID || name === undefined) return { clientName: name };
  const brand = await app.services.brand.forClient(clientId);
  return { clientName: brand.client.name ?? name, brand };
}
