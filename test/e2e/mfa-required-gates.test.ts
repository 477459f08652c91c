// A required second factor is set up only after the gates: a password alone (perhaps phished) from a new browser
// meets the emailed device code first, and cannot turn TOTP on (and take the backup codes) before that code is
// given; with the code, the enrolment follows and the sign-in finishes. (A security review found the enrolment
// ran before the gates.)
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { addMember, createTeam } from "../helpers/team-flow.ts";
import { DEVICE_REDIRECT, atCodePage, enterDeviceCode, startDeviceEnv, type DeviceEnv } from "../helpers/device-flow.ts";

describe("required MFA after the gates", () => {
  let env: DeviceEnv;
  beforeAll(async () => {
    env = await startDeviceEnv("without-2fa");
  });
  afterAll(async () => {
    await env?.t.close();
    await env?.sink.close();
  });

  it("a new browser gets the device code page first; the setup (and TOTP) only comes after the right code", async () => {
    const { t } = env;
    const owner = await t.createUser();
    const team = await createTeam(t, owner.id);
    const member = await t.createUser();
    await addMember(t, team, member.id);
    await t.app.services.mfaRequirements.setForTeam("test-admin", team.id, true, { ip: null, userAgent: null });

    const { browser, page, code } = await atCodePage(env, member);
    // stopped at the device gate: no enrolment page, no pending TOTP, nothing turned on
    expect(page.url).toMatch(/\/device$/);
    const row = () => t.app.db.prisma.user.findUniqueOrThrow({ where: { id: member.id } });
    expect((await row()).totpSecretEncrypted).toBeNull();
    const enrolPage = await browser.go(page.url.replace(/\/device$/, "/enrol"), { stopAt: DEVICE_REDIRECT });
    expect(enrolPage.html).not.toContain("data-totp-secret");
    expect((await row()).totpSecretEncrypted).toBeNull();

    // the emailed code passes the gate; the enrolment follows
    const after = await enterDeviceCode(browser, page, DEVICE_REDIRECT, code);
    expect(after.url).toMatch(/\/enrol$/);
    expect(after.html).toContain("data-totp-secret");
  });
});
