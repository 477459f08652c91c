// The admin users and system roles API tests import their setup from here; it lives in api.ts with the other
// API tests' setup (this module only re-exports it under the names those tests use).
export { API_REDIRECT as ADMIN_REDIRECT, startAdminApi, type AdminUsersApi as AdminApi, type Answer, type ApiUser as TestUser, type Json } from "./api.ts";
