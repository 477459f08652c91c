// A sign-in through a third party's consent page is finished once: one session row with the client, one
// session.created, one login.succeeded, the browser's session id kept by the resume after consent (it is not
// signed in again), the team the login settled on the grant; with prompt=login too. The refresh tokens work.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import * as client from "openid-client";
import { decodeJwt } from "jose";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser } from "../helpers/browser.ts";
import { discover, loginWithCode } from "../helpers/oidc-flow.ts";

const REDIRECT = "https://rp.example.test/callback";
const API = "https://api.example.test";

describe("a sign-in is finished once", () => {
  let t: TestApp;
  let rp: client.Configuration;
  let clientId: string;

  beforeAll(async () => {
    t = await startTestApp({ DEVICE_APPROVAL: "off" });
    const made = await t.createClient({ name: "Third party", type: "confidential", redirectUris: [REDIRECT], resources: [API] });
    clientId = made.clientId;
    rp = await discover(t.url, made.clientId, made.clientSecret);
  });
  afterAll(async () => {
    await t?.close();
  });

  const eventsOf = async (userId: string, type: string) =>
    (await t.app.queries.auditEvents.listByType(type, 500)).filter((e) => e.userId === userId);

  for (const prompt of ["consent", "login consent"]) {
    it(`prompt=${prompt}: one session row, one session.created, one login.succeeded; the team on the grant`, async () => {
      const user = await t.createUser();
      const made = await t.app.services.teams.createTeam(user.id, { name: `Once ${prompt.length} ${Date.now().toString(36)}` });
      if (made.outcome !== "created") throw new Error(made.message);
      const browser = new TestBrowser(t.url);
      const { tokens } = await loginWithCode(
        rp,
        browser,
        REDIRECT,
        { identifier: user.email, password: user.password },
        { prompt, resource: API },
      );
      const rows = await t.app.db.prisma.userSession.findMany({ where: { userId: user.id } });
      expect(rows).toHaveLength(1);
      expect(rows[0]!.clients).toEqual([clientId]);
      expect(rows[0]!.endedAt).toBeNull();
      expect(await eventsOf(user.id, "session.created")).toHaveLength(1);
      expect(await eventsOf(user.id, "login.succeeded")).toHaveLength(1);
      expect((await eventsOf(user.id, "session.created"))[0]!.data).toMatchObject({ sessionId: rows[0]!.id });
      // the team the login settled (carried to the grant, never chosen again) is in the access token
      expect(decodeJwt(tokens.access_token)).toMatchObject({ sub: user.id, team: { id: made.teamId, slug: made.slug }, role: "owner" });
      // the tokens of that sign-in work: a refresh gives new ones
      const refreshed = await client.refreshTokenGrant(rp, tokens.refresh_token!);
      expect(refreshed.access_token).toBeTruthy();
    });
  }

  it("max_age: a user who takes longer than max_age on the consent page is not asked to sign in again", async () => {
    const user = await t.createUser();
    const browser = new TestBrowser(t.url);
    const verifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(rp, {
      redirect_uri: REDIRECT,
      scope: "openid",
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: "S256",
      state: client.randomState(),
      prompt: "consent",
      max_age: "1",
    });
    const login = await browser.go(url.toString(), { stopAt: REDIRECT });
    const consent = await browser.submit(login, "/login", { identifier: user.email, password: user.password }, { stopAt: REDIRECT });
    expect(consent.html).toContain("/confirm");
    await new Promise((r) => setTimeout(r, 2100)); // past max_age since the sign-in
    const back = await browser.submit(consent, "/confirm", {}, { stopAt: REDIRECT });
    expect(back.url.startsWith(REDIRECT)).toBe(true);
    expect(await eventsOf(user.id, "session.created")).toHaveLength(1);
  });
});
