// A request path as logs and traces may keep it: emailed links carry their token in the path
// (/invitations/<token>), so a 43-character (32-byte base64url) segment becomes ":token". Query strings are
// never kept at all (they can hold codes and tokens).
export const redactedPath = (path: string): string => path.replace(/\/[A-Za-z0-9_-]{43}(?=\/|$)/g, "/:token");
