// Auth.js's endpoints: /api/auth/callback/gatehouse (the redirect URI to register), /api/auth/session, …
import { handlers } from "../../../../auth.js";

export const { GET, POST } = handlers;
