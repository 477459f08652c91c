// Which URIs a client may register (RFC 9700 2.1 and 4.1, RFC 8252 7): a redirect or post-logout redirect URI is
// https, or http on a loopback host (127.0.0.1, [::1], localhost: an app on the user's own machine), or, for a
// public (native) client only, a private-use scheme named after a domain the app's owner controls
// (com.example.app:/cb). Never a fragment, user info in the address, or another scheme (javascript:, data:,
// file: ...). The back-channel logout URI is server to server: https, or http on a loopback host. The URI is
// judged as written, not only as WHATWG URL reads it: no spaces, backslashes or control characters, and an
// http(s) URI is written scheme://host (other parsers read `https://a.com\@b.com` or `https:/x` otherwise).
// Pure functions: each answers the problem with a URI for people, or null when it is fine.

export const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(["127.0.0.1", "[::1]", "localhost"]);

/** a private-use scheme as RFC 8252 7.1 has it: reverse domain name order, so at least one dot (com.example.app) */
const PRIVATE_USE_SCHEME = /^[a-z][a-z0-9+-]*(\.[a-z0-9+-]+)+:$/;

export type UriKind = "redirect" | "backchannel";

/** the URI's parts when it parses as an absolute URI */
function parse(uri: string): URL | null {
  return URL.canParse(uri) ? new URL(uri) : null;
}

/** true for a private-use scheme URI (com.example.app:/cb), the kind only a public (native) client may register */
export function isPrivateUseUri(uri: string): boolean {
  const url = parse(uri);
  return url !== null && PRIVATE_USE_SCHEME.test(url.protocol);
}

/** true for an https URI on a loopback host (a native client may not claim those, RFC 8252 8.4) */
export function isHttpsLoopback(uri: string): boolean {
  const url = parse(uri);
  return url !== null && url.protocol === "https:" && LOOPBACK_HOSTS.has(url.hostname);
}

/**
 * what is wrong with a client URI, or null. "redirect" also allows private-use schemes (whether the client may
 * use one, being public, is the caller's rule across fields); "backchannel" only https and loopback http.
 */
export function clientUriProblem(uri: string, kind: UriKind): string | null {
  // eslint-disable-next-line no-control-regex -- control characters are what this refuses
  if (/[\s\\\u0000-\u001f\u007f]/.test(uri)) return "must not contain spaces, backslashes or control characters";
  const url = parse(uri);
  if (!url) return "must be an absolute URI, like https://app.example.com/callback";
  if (uri.includes("#")) return "must not contain a fragment (#)";
  if (url.protocol === "https:" || url.protocol === "http:") {
    const written = uri.slice(url.protocol.length);
    if (!written.startsWith("//") || written.startsWith("///")) return `must be written ${url.protocol}//host/path`;
    if (/^[^/?]*@/.test(written.slice(2))) return "must not contain a user name or password";
  }
  if (url.username || url.password) return "must not contain a user name or password";
  if (url.protocol === "https:") return url.hostname ? null : "needs a host name";
  if (url.protocol === "http:") {
    return LOOPBACK_HOSTS.has(url.hostname) ? null : "must use https (http only on 127.0.0.1, [::1] or localhost)";
  }
  if (kind === "redirect" && PRIVATE_USE_SCHEME.test(url.protocol)) return null;
  return kind === "redirect"
    ? "must use https (http only on 127.0.0.1, [::1] or localhost), or for a public app a scheme like com.example.app:/callback"
    : "must use https (http only on 127.0.0.1, [::1] or localhost)";
}
