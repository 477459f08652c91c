// The shape of the ids Gatehouse hands out (Postgres UUIDs): checked before an id from a URL or a form reaches
// a query, so a malformed one is simply "not found".
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
