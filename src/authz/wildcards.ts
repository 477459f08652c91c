// Permission grants with wildcards: "*" grants everything, "acme.blog.*" everything under acme.blog (not
// "acme.blogger.x"), anything else exactly that code.
export const PERMISSION_CODE = /^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)+$/;
export const PERMISSION_GRANT = /^(\*|[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)*\.\*|[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)+)$/;

export function grantCovers(grant: string, code: string): boolean {
  if (grant === "*") return true;
  if (grant.endsWith(".*")) return code.startsWith(grant.slice(0, -1));
  return grant === code;
}

export const grantsCover = (grants: readonly string[], code: string) => grants.some((g) => grantCovers(g, code));

/** the registered codes the grants cover */
export const expandGrants = (grants: readonly string[], codes: Iterable<string>) => [...codes].filter((c) => grantsCover(grants, c));
