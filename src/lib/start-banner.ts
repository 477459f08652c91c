// What `npm start` prints once Gatehouse listens: where it runs, the pages a newcomer needs (sign-in, the admin
// console, in development the mailbox), the development defaults in use, and how the first administrator gets in.
// Production prints no banner (its output is a stream of JSON log lines): startLogFields are the fields of one
// log line instead. Pure: server.ts gathers the facts.

export type BannerFacts = {
  url: string;
  issuer: string;
  production: boolean;
  /** the embedded PGlite folder, when no DATABASE_URL */
  embeddedDatabaseIn?: string;
  embeddedRedis: boolean;
  secretsGeneratedIn?: string;
  /** emails kept at /dev/mailbox (development without SMTP) */
  mailbox: boolean;
  adminExists: boolean;
  setupToken: string;
};

export function startBanner(f: BannerFacts): string {
  const lines = [
    "",
    `Gatehouse is running at ${f.url}`,
    `  issuer:     ${f.issuer}`,
    `  discovery:  ${f.issuer}/.well-known/openid-configuration`,
    `  sign in:    ${f.issuer}/login (your account: profile, password, two-factor, sessions)`,
    `  admin:      ${f.issuer}/admin (the admin console, for administrators)`,
  ];
  if (f.mailbox && !f.production)
    lines.push(`  mailbox:    ${f.url}/dev/mailbox (no SMTP_URL: the emails Gatehouse sends are kept here; development only)`);
  if (f.embeddedDatabaseIn)
    lines.push(`  database:   embedded PGlite in ${f.embeddedDatabaseIn} (development only; set DATABASE_URL for production)`);
  if (f.embeddedRedis) lines.push("  redis:      in-process store (development only, lost on restart; set REDIS_URL for production)");
  if (f.secretsGeneratedIn) lines.push(`  secrets:    generated for development in ${f.secretsGeneratedIn}`);
  if (!f.adminExists) {
    lines.push(
      "",
      "No administrator yet. Register the first one in the browser (this link works until one exists):",
      `  ${f.issuer}/admin-register?setup=${f.setupToken}`,
      `Then confirm the address from the email${f.mailbox && !f.production ? " (in the mailbox above)" : ""}, sign in at ${f.issuer}/login and enter the`,
      "sign-in code emailed to you (a browser Gatehouse does not know yet); you land in the admin console.",
    );
    // the npm scripts exist in a source checkout (development), not in a production image
    if (!f.production) {
      lines.push("Or on the command line (it prints a generated password once):", "  npm run create-admin -- --email you@example.com");
    }
  }
  if (!f.production)
    lines.push(
      "",
      'Register a relying party at /admin/clients, or: npm run create-client -- --name "My app" --redirect-uri http://localhost:8080/callback',
    );
  return lines.join("\n") + "\n";
}

/**
 * production's start notice as log fields: the sign-in and admin pages and, only until an administrator exists,
 * the first-run setup link (derived from MASTER_KEY: whoever reads the server's output may use it, as before)
 */
export function startLogFields(f: Pick<BannerFacts, "issuer" | "adminExists" | "setupToken">): {
  signIn: string;
  admin: string;
  firstAdministrator?: string;
} {
  return {
    signIn: `${f.issuer}/login`,
    admin: `${f.issuer}/admin`,
    ...(f.adminExists ? {} : { firstAdministrator: `${f.issuer}/admin-register?setup=${f.setupToken}` }),
  };
}
