// The optional online breach check (PASSWORD_BREACH_CHECK=hibp, #18 item 3) against a loopback stand-in that
// implements Have I Been Pwned's range API (GET <base>/<5 hex>, "SUFFIX:COUNT" lines, padding with count 0):
// only the SHA-1 prefix leaves the process, a listed password is refused by the one policy (meter, registration),
// and a service that fails or is slow leaves the offline verdict, logged, never blocking the user.
import http from "node:http";
import { createHash } from "node:crypto";
import type { AddressInfo } from "node:net";
import { describe, it, expect, beforeAll, afterAll, beforeEach } from "vitest";
import { createLogger } from "../../src/lib/logger.ts";
import { createBreachCheck, rangeKey, rangeLists } from "../../src/services/password-breach.ts";
import { createPasswordPolicy, MESSAGES, passwordHint } from "../../src/services/password-policy.ts";
import { startTestApp, uniqueEmail, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser } from "../helpers/browser.ts";

const BREACHED = "correct horse battery staple"; // a strong passphrase by zxcvbn, and in real breach corpora
const PADDED = "quiet lantern over the marsh"; // its suffix appears only as a padding line (count 0)
const CLEAN = "amber kettle under winter stars";

const sha1 = (s: string) => createHash("sha1").update(s, "utf8").digest("hex").toUpperCase();

type Mode = "ok" | "down" | "slow";

/** the range API, for real over HTTP: what it was asked is kept for the assertions */
async function startRangeApi() {
  const asked: { url: string; padding: string | undefined }[] = [];
  let mode: Mode = "ok";
  const listed = new Map([[sha1(BREACHED), 3_645_804]]);
  const server = http.createServer((req, res) => {
    asked.push({ url: req.url ?? "", padding: req.headers["add-padding"] as string | undefined });
    if (mode === "down") {
      res.statusCode = 503;
      res.end("unavailable");
      return;
    }
    const prefix = /^\/range\/([0-9A-F]{5})$/.exec(req.url ?? "")?.[1];
    if (!prefix) {
      res.statusCode = 400;
      res.end("The hash prefix was not in a valid format");
      return;
    }
    const lines = [...listed].filter(([hash]) => hash.startsWith(prefix)).map(([hash, n]) => `${hash.slice(5)}:${n}`);
    // padding: fake suffixes with count 0, one of them the PADDED passphrase's own suffix
    lines.push(`${sha1(PADDED).slice(5)}:0`, `${"0".repeat(35)}:0`);
    const send = () => {
      res.setHeader("content-type", "text/plain");
      res.end(lines.join("\r\n"));
    };
    if (mode === "slow") setTimeout(send, 2000).unref();
    else send();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/range/`,
    asked,
    set mode(m: Mode) {
      mode = m;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe("the HIBP range API check", () => {
  let api: Awaited<ReturnType<typeof startRangeApi>>;
  const lines: string[] = [];
  const log = createLogger("warn", {
    write: (line: string) => {
      lines.push(line);
    },
  });
  const policyWith = (timeoutMs = 1000, url?: string) =>
    createPasswordPolicy(
      { minLength: 12, minScore: 3 },
      { breachCheck: createBreachCheck({ mode: "hibp", url: url ?? api.url, timeoutMs }, log) },
    );

  beforeAll(async () => {
    api = await startRangeApi();
  });
  afterAll(async () => {
    await api?.close();
  });
  beforeEach(() => {
    api.asked.length = 0;
    api.mode = "ok";
    lines.length = 0;
  });

  it("refuses a listed password; sends only the 5-character SHA-1 prefix, asking for padding", async () => {
    const policy = policyWith();
    expect(await policy.check(BREACHED)).toMatchObject({ ok: false, code: "breached", message: MESSAGES.breached });
    const hash = sha1(BREACHED);
    expect(api.asked).toEqual([{ url: `/range/${hash.slice(0, 5)}`, padding: "true" }]);
    expect(api.asked[0]!.url).not.toContain(hash.slice(5, 10));
    // the same passphrase is fine offline: only the service knows it
    expect(await createPasswordPolicy({ minLength: 12, minScore: 3 }).check(BREACHED)).toMatchObject({ ok: true });
  });

  it("padding lines (count 0) and other suffixes are not matches", async () => {
    const policy = policyWith();
    expect(await policy.check(PADDED)).toMatchObject({ ok: true });
    expect(await policy.check(CLEAN)).toMatchObject({ ok: true });
    expect(api.asked.map((a) => a.url)).toEqual([`/range/${sha1(PADDED).slice(0, 5)}`, `/range/${sha1(CLEAN).slice(0, 5)}`]);
    expect(rangeLists(`${rangeKey(PADDED).suffix}:0\r\nABC:2`, rangeKey(PADDED).suffix)).toBe(false);
    expect(rangeLists(`abc:1\n${rangeKey(PADDED).suffix.toLowerCase()}:2`, rangeKey(PADDED).suffix)).toBe(true);
  });

  it("a password the offline rules refuse is never sent", async () => {
    const policy = policyWith();
    expect(await policy.check("Summer2024!!")).toMatchObject({ ok: false, code: "common" });
    expect(await policy.check("short")).toMatchObject({ ok: false, code: "too_short" });
    expect(api.asked).toEqual([]);
  });

  it("an outage (HTTP 503, no answer in time, nothing listening) leaves the offline verdict and is logged without the password", async () => {
    api.mode = "down";
    expect(await policyWith().check(BREACHED)).toMatchObject({ ok: true });
    expect(lines.length).toBe(1);
    api.mode = "slow";
    const started = Date.now();
    expect(await policyWith(200).check(BREACHED)).toMatchObject({ ok: true });
    expect(Date.now() - started).toBeLessThan(1500);
    const refused = await new Promise<string>((resolve) => {
      const s = http.createServer().listen(0, "127.0.0.1", () => {
        const port = (s.address() as AddressInfo).port;
        s.close(() => resolve(`http://127.0.0.1:${port}/range/`));
      });
    });
    expect(await policyWith(1000, refused).check(BREACHED)).toMatchObject({ ok: true });
    const logged = lines.join("\n");
    expect(logged).toContain("password breach check unavailable");
    expect(logged).toContain("HTTP 503");
    for (const secret of [BREACHED, sha1(BREACHED), sha1(BREACHED).slice(0, 5)]) expect(logged).not.toContain(secret);
  });

  it("off (the default) asks nothing", async () => {
    expect(createBreachCheck({ mode: "off", url: api.url, timeoutMs: 1000 }, log)).toBeUndefined();
  });
});

describe("PASSWORD_BREACH_CHECK=hibp in the app: the meter, the registration page and its hint agree", () => {
  let api: Awaited<ReturnType<typeof startRangeApi>>;
  let t: TestApp;

  beforeAll(async () => {
    api = await startRangeApi();
    t = await startTestApp({ PASSWORD_BREACH_CHECK: "hibp", PASSWORD_BREACH_CHECK_URL: api.url, PASSWORD_BREACH_CHECK_TIMEOUT_MS: "500" });
  });
  afterAll(async () => {
    await t?.close();
    await api?.close();
  });

  const strength = async (password: string) =>
    (
      await fetch(`${t.url}/password/strength`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: t.url },
        body: JSON.stringify({ password }),
      })
    ).json() as Promise<{ ok: boolean; message: string }>;

  it("the meter says what registration does: a listed password is refused on both, with the same words", async () => {
    expect(await strength(BREACHED)).toMatchObject({ ok: false, message: MESSAGES.breached });
    const browser = new TestBrowser(t.url);
    const form = await browser.go(`${t.url}/register`);
    expect(form.html).toContain(passwordHint(t.config.passwordPolicy.minLength));
    const before = await t.app.db.prisma.user.count();
    const username = `u${Math.random().toString(36).slice(2, 10)}`;
    const refused = await browser.submit(form, "/register", {
      username,
      email: uniqueEmail("breach"),
      password: BREACHED,
      team_name: `Team ${username}`,
    });
    expect(refused.status).toBe(400);
    expect(refused.html).toContain("appeared in a data breach");
    expect(await t.app.db.prisma.user.count()).toBe(before);
  });

  it("while the service is down, registration goes on with the offline check", async () => {
    api.mode = "down";
    expect(await strength(BREACHED)).toMatchObject({ ok: true });
    const browser = new TestBrowser(t.url);
    const form = await browser.go(`${t.url}/register`);
    const username = `u${Math.random().toString(36).slice(2, 10)}`;
    const done = await browser.submit(form, "/register", {
      username,
      email: uniqueEmail("outage"),
      password: BREACHED,
      team_name: `Team ${username}`,
    });
    expect(done.status).toBe(200);
    expect(done.html).toContain("Check your email");
  });
});
