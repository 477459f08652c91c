// Checking a platform account for a team's link (linking.ts): the platform chosen (one of the configured ones),
// then the credentials tried on it (sign-in, user info, the account's group type, sign-out) and the group type
// held against the allowed ones; a platform failure becomes the refusal a person reads.
import { worded } from "../../lib/i18n/refusal.ts";
import type { PlatformFailure } from "./platform.ts";
import type { LinkingDeps, VirtuozzoRefusal } from "./link-types.ts";

export function createPlatformCheck(deps: Pick<LinkingDeps, "platform" | "settings" | "log">) {
  const { platform, settings } = deps;

  function failure(f: PlatformFailure, call: string): VirtuozzoRefusal {
    if (f.outcome === "refused") return { outcome: "credentials_refused", ...worded("team.refusal.vzCredentials") };
    if (f.outcome === "malformed") {
      deps.log.warn({ call: f.call }, "virtuozzo: the platform's answer did not have the documented shape; refused");
      return { outcome: "malformed", ...worded("team.refusal.vzMalformed") };
    }
    deps.log.warn({ call, reason: f.reason, status: f.status }, "virtuozzo: the platform is not available");
    return { outcome: "unavailable", ...worded("team.refusal.vzUnavailable") };
  }

  /** signs in, reads the account's identity and group type, signs out: the group type, or why not */
  async function verify(
    platformUrl: string,
    login: string,
    password: string,
  ): Promise<{ outcome: "ok"; groupType: string; uid: number } | VirtuozzoRefusal> {
    const signed = await platform.signIn(platformUrl, login, password);
    if (signed.outcome !== "ok") return failure(signed, "sign-in");
    try {
      const info = await platform.userInfo(platformUrl, signed.session);
      if (info.outcome !== "ok") return failure(info, "getuserinfo");
      const group = await platform.groupType(platformUrl, signed.session);
      if (group.outcome !== "ok") return failure(group, "getaccount");
      if (!settings.allowedGroupTypes.includes(group.groupType)) {
        return {
          outcome: "group_refused",
          groupType: group.groupType,
          ...(settings.allowedGroupTypes.length
            ? worded("team.refusal.vzGroupType", { groupType: group.groupType, allowed: settings.allowedGroupTypes.join(", ") })
            : worded("team.refusal.vzGroupTypeNone", { groupType: group.groupType })),
        };
      }
      return { outcome: "ok", groupType: group.groupType, uid: info.uid };
    } finally {
      void platform.signOut(platformUrl, signed.session).catch(() => undefined);
    }
  }

  function platformOf(given: string | undefined): string | VirtuozzoRefusal {
    const url = (given ?? settings.platformUrls[0] ?? "").replace(/\/+$/, "");
    return settings.platformUrls.includes(url)
      ? url
      : {
          outcome: "invalid",
          field: "platformUrl",
          ...worded("team.refusal.vzChoosePlatform", { platforms: settings.platformUrls.join(", ") }),
        };
  }

  return { failure, verify, platformOf };
}

export type PlatformCheck = ReturnType<typeof createPlatformCheck>;
