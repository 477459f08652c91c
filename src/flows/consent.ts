// The consent step of an authorization: allow grants what oidc-provider found missing (scopes, claims, resource
// scopes) on the user's grant for the client, deny refuses; both audited. First-party clients are granted
// without a page. Takes the grant model from the caller (oidc-provider's), never a Koa context.
import type { AuditService } from "../services/audit.ts";

/** what the consent prompt found missing */
export type ConsentDetails = {
  missingOIDCScope?: string[];
  missingOIDCClaims?: string[];
  missingResourceScopes?: Record<string, string[]>;
};

/** the part of oidc-provider's Grant the consent needs */
export type ConsentGrant = {
  addOIDCScope(scope: string): void;
  addOIDCClaims(claims: string[]): void;
  addResourceScope(resource: string, scope: string): void;
  save(): Promise<string>;
};
export type GrantModel = { find(id: string): Promise<ConsentGrant | undefined>; create(accountId: string, clientId: string): ConsentGrant };

export type ConsentRequest = {
  accountId: string;
  clientId: string;
  grantId?: string;
  details: ConsentDetails;
  ip: string | null;
  userAgent: string | null;
};

export function createConsentFlow(deps: { grants: GrantModel; audit: Pick<AuditService, "record"> }) {
  const { grants, audit } = deps;
  const request = (r: Pick<ConsentRequest, "clientId" | "ip" | "userAgent">) => ({
    clientId: r.clientId,
    ip: r.ip,
    userAgent: r.userAgent,
  });
  return {
    /** the scopes the page lists: OIDC scopes and resource scopes, once each */
    scopesOf: (d: ConsentDetails): string[] => [
      ...new Set([...(d.missingOIDCScope ?? []), ...Object.values(d.missingResourceScopes ?? {}).flat()]),
    ],

    /** grants what is missing; the grant's id for oidc-provider */
    async allow(r: ConsentRequest, firstParty: boolean): Promise<string> {
      const grant = (r.grantId ? await grants.find(r.grantId) : undefined) ?? grants.create(r.accountId, r.clientId);
      const d = r.details;
      if (d.missingOIDCScope) grant.addOIDCScope(d.missingOIDCScope.join(" "));
      if (d.missingOIDCClaims) grant.addOIDCClaims(d.missingOIDCClaims);
      for (const [indicator, scopes] of Object.entries(d.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(" "));
      const grantId = await grant.save();
      await audit.record({
        type: "consent.granted",
        outcome: "success",
        userId: r.accountId,
        ...request(r),
        data: { scopes: d.missingOIDCScope ?? [], firstParty },
      });
      return grantId;
    },

    /** the user said no */
    async deny(r: Pick<ConsentRequest, "clientId" | "ip" | "userAgent"> & { accountId: string | null }): Promise<void> {
      await audit.record({ type: "consent.denied", outcome: "failure", userId: r.accountId, ...request(r) });
    },
  };
}

export type ConsentFlow = ReturnType<typeof createConsentFlow>;
