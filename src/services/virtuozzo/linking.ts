// A team's platform link (plugins/virtuozzo): linking with the Owner's platform credentials (checked against the
// platform: sign-in, user info, the account's group type, sign-out), the new Owner's confirmation after an ownership
// transfer, unlinking, the relying parties authorized for the team's sessions, and the group-type check that Door A
// registration runs. Every change is audited without the login's password or any session.
// This file puts the parts together: the shared types are in link-types.ts, the platform check (and its
// refusals) in link-platform-check.ts, the audit record, the Owner-only check and the other shared steps in
// link-steps.ts; linking is link-create.ts, the new Owner's confirmation link-confirm.ts, the status, unlinking
// and the authorized clients link-manage.ts, Door A link-door-a.ts.
import type { VirtuozzoLinkRow } from "../../queries/virtuozzo-links.ts";
import type { LinkingDeps } from "./link-types.ts";
import { createPlatformCheck } from "./link-platform-check.ts";
import { createLinkSteps } from "./link-steps.ts";
import { createLinkCreate } from "./link-create.ts";
import { createLinkConfirm } from "./link-confirm.ts";
import { createLinkManage } from "./link-manage.ts";
import { createDoorA } from "./link-door-a.ts";

export type { ActingRequest, Credentials, LinkView, VirtuozzoRefusal } from "./link-types.ts";

export function createLinking(deps: LinkingDeps) {
  const check = createPlatformCheck(deps);
  const steps = createLinkSteps(deps);
  const { link } = createLinkCreate(deps, check, steps);
  const { confirm } = createLinkConfirm(deps, check, steps);
  const { linkStatus, unlink, setClients } = createLinkManage(deps, steps);
  const { doorA, checkRegistration } = createDoorA(check, steps);
  return {
    failure: check.failure,
    record: steps.record,
    ownerLink: steps.ownerLink,
    purgeAndSignOut: steps.purgeAndSignOut,
    actions: { linkStatus, link, confirm, unlink, setClients },
    doorA,
    checkRegistration,
    unseal: (link: VirtuozzoLinkRow) => steps.unseal(link.teamId, link.credential),
  };
}
