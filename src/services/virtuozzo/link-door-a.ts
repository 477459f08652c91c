// Door A registration with a platform account (linking.ts): the registration's group-type check, audited as
// virtuozzo.billing_check (no user exists yet), and the link of the team the registration creates, made with the
// account that passed the check.
import type { DoorACheck } from "../registration.ts";
import type { RequestInfo } from "../notifications.ts";
import type { PlatformCheck } from "./link-platform-check.ts";
import type { LinkSteps } from "./link-steps.ts";
import type { Credentials, VirtuozzoRefusal } from "./link-types.ts";

export function createDoorA(check: PlatformCheck, steps: LinkSteps) {
  /** Door A: the group-type check for a registration that creates a team; audited (no user exists yet) */
  async function checkRegistration(
    creds: Credentials,
    request?: RequestInfo,
  ): Promise<{ outcome: "allowed"; groupType: string; platformUrl: string } | VirtuozzoRefusal> {
    const platformUrl = check.platformOf(creds.platformUrl);
    if (typeof platformUrl !== "string") return platformUrl;
    const checked = await check.verify(platformUrl, creds.login.trim(), creds.password);
    const data: Record<string, string> = { via: "registration", platformUrl };
    if (checked.outcome !== "ok") data.reason = checked.outcome;
    if (checked.outcome === "ok" || checked.outcome === "group_refused") data.groupType = checked.groupType;
    await steps.record("virtuozzo.billing_check", checked.outcome === "ok" ? "success" : "failure", {}, request, data);
    return checked.outcome === "ok" ? { outcome: "allowed", groupType: checked.groupType, platformUrl } : checked;
  }

  /** Door A: the registration's check, then the new team linked with the account that passed it */
  const doorA: DoorACheck = {
    async check(platform, request) {
      if (!platform?.login.trim() || !platform.password)
        return {
          ok: false,
          message: "Enter the login and password of your Virtuozzo platform account: a new team needs one whose plan allows it.",
        };
      const checked = await checkRegistration(platform, request);
      return checked.outcome === "allowed"
        ? { ok: true, groupType: checked.groupType, platformUrl: checked.platformUrl }
        : { ok: false, message: checked.message };
    },
    // the row registration writes in its own transaction (queries/registrations.ts), with its virtuozzo.linked event
    teamLink:
      (platform, checked) =>
      ({ teamId, userId }) => ({
        teamId,
        platformUrl: checked.platformUrl,
        login: platform.login.trim(),
        credential: steps.seal(teamId, platform.password),
        groupType: checked.groupType,
        linkedById: userId,
      }),
  };

  return { doorA, checkRegistration };
}
