// Permission namespaces: a plugin's id or a relying party's permissionNamespace, the prefix all its codes share.
// "gatehouse" is Gatehouse's own; two namespaces overlap when one is the other or lies inside it.

/** one or more lower-case dotted words, like "acme" or "acme.notes" */
export const PERMISSION_NAMESPACE = /^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)*$/;

export const isReservedNamespace = (ns: string) => ns === "gatehouse" || ns.startsWith("gatehouse.");

export const namespacesOverlap = (a: string, b: string) => a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`);

/** whether a code lies in a namespace ("acme.blog" holds "acme.blog.post.update", not "acme.blogger.x") */
export const inNamespace = (code: string, ns: string) => code.startsWith(`${ns}.`);
