// examples/python-authlib against a live Gatehouse: the Flask + Authlib app runs as a real Python process, the
// user signs in through Gatehouse's pages (password, team), Authlib exchanges the code with PKCE and verifies the
// ID token, the profile page shows team and role; sign-out goes through Gatehouse (RP-initiated logout).
// Needs a python3 with Debian's python3-authlib, python3-flask and python3-requests: without them the tests are
// skipped, and their name says what to install.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import net from "node:net";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser } from "../helpers/browser.ts";
import { signInThroughPages } from "../helpers/oidc-flow.ts";
import { teamWithMembers } from "../helpers/team-flow.ts";

/** $PYTHON, or the first python3 that can import authlib, flask and requests (PATH's may be a pyenv one without them) */
const python = (process.env.PYTHON ? [process.env.PYTHON] : ["python3", "/usr/bin/python3"]).find(
  (p) => spawnSync(p, ["-c", "import authlib, flask, requests"], { stdio: "ignore" }).status === 0,
);
const SKIPPED = "SKIPPED: no python3 with authlib, flask and requests (apt-get install -y python3-authlib python3-flask python3-requests)";
if (!python) console.warn(`examples/python-authlib: ${SKIPPED}`);

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

describe.skipIf(!python)(`example Python relying party (examples/python-authlib)${python ? "" : ` ${SKIPPED}`}`, () => {
  let t: TestApp;
  let app: ChildProcess | undefined;
  let base: string;
  let output = "";

  beforeAll(async () => {
    t = await startTestApp();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const { clientId, clientSecret } = await t.createClient({
      name: "Example Flask app",
      type: "confidential",
      redirectUris: [`${base}/callback`],
      postLogoutRedirectUris: [`${base}/`],
      scope: "openid profile email roles",
    });
    app = spawn(python!, ["-u", "examples/python-authlib/app.py"], {
      env: {
        ...process.env,
        ISSUER: t.url,
        CLIENT_ID: clientId,
        CLIENT_SECRET: clientSecret!,
        SECRET_KEY: randomBytes(32).toString("hex"),
        PORT: String(port),
        BASE_URL: base,
        AUTHLIB_INSECURE_TRANSPORT: "1",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    // ready when it says so (it prints its address once the socket is bound)
    await new Promise<void>((resolve, reject) => {
      const seen = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes("example Flask app at")) resolve();
      };
      app!.stdout!.on("data", seen);
      app!.stderr!.on("data", (chunk: Buffer) => {
        output += chunk.toString();
      });
      app!.on("exit", (code) => reject(new Error(`the Python app exited (${code}):\n${output}`)));
    });
  }, 30_000);
  afterAll(async () => {
    if (app && app.exitCode === null) {
      const exited = new Promise((r) => app!.once("exit", r));
      app.kill("SIGTERM");
      await exited;
    }
    await t?.close();
  });

  it("signs in through Gatehouse, shows team and role, and signs out through Gatehouse", async () => {
    const team = await teamWithMembers(t, "Flask", "manager");
    const user = team.members[0]!;
    const browser = new TestBrowser(t.url);
    expect((await browser.go(`${base}/`)).html).toContain('href="/login"');

    const { callback } = await signInThroughPages(browser, `${base}/login`, `${base}/callback`, {
      identifier: user.email,
      password: user.password,
    });
    const profile = await browser.go(callback);
    expect(profile.url, output).toBe(`${base}/profile`);
    expect(profile.html, `${profile.html}\n${output}`).toContain(`<dd id="sub">${user.id}</dd>`);
    expect(profile.html).toContain(`<dd id="email">${user.email}</dd>`);
    expect(profile.html).toContain(`<dd id="team">${team.name} (<code>${team.slug}</code>)</dd>`);
    expect(profile.html).toContain('<dd id="role">manager</dd>');

    // the callback again: the state was used up, Authlib refuses it
    const replay = await browser.request(callback);
    expect(replay.status).toBe(400);
    expect(await replay.text()).toMatch(/^Sign-in failed: /);

    const signOut = { init: { method: "POST" }, stopAt: `${base}/` };
    const confirm = await browser.go(`${base}/logout`, signOut);
    const out = confirm.url.startsWith(`${base}/`)
      ? confirm
      : await browser.submit(confirm, "/session/end/confirm", { logout: "yes" }, { stopAt: `${base}/` });
    expect(out.url.startsWith(`${base}/`)).toBe(true);
    expect((await browser.go(`${base}/`)).html).toContain('href="/login"');
    expect((await t.app.services.oidcStore.endUserSessions(user.id)).ended).toHaveLength(0); // already ended by the logout
  }, 60_000);

  it("refuses a callback whose state does not match the sign-in in progress", async () => {
    const browser = new TestBrowser(t.url);
    const started = await browser.go(`${base}/login`, { stopAt: t.url });
    expect(started.url.startsWith(`${t.url}/`)).toBe(true);
    const forged = await browser.request(`${base}/callback?code=abc&state=not-the-one`);
    expect(forged.status).toBe(400);
    expect(await forged.text()).toBe("Sign-in failed: mismatching_state");
    expect((await browser.go(`${base}/profile`, { stopAt: t.url })).url.startsWith(`${t.url}/`)).toBe(true); // still signed out
  });
});
