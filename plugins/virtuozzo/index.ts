// The Virtuozzo Application Platform plugin (issue #19): its permissions, registered like any plugin's. Turned on by
// VIRTUOZZO_ENABLED (config/load.ts adds this module to PLUGINS); the work is done by services/virtuozzo/ and the
// team API's /api/v1/teams/{team}/virtuozzo routes. See plugins/virtuozzo/README.md.
import { definePlugin } from "../../src/plugins/define-plugin.ts";

export default definePlugin({
  id: "virtuozzo",
  name: "Virtuozzo Application Platform",
  permissions: {
    "virtuozzo.session.read": {
      label: "Get the team's platform session (team-scoped session key)",
      tab: "Virtuozzo",
      roles: ["manager", "developer"],
    },
    "virtuozzo.link.manage": {
      label: "See and manage the team's platform link (linking, unlinking, forced refresh and revoke stay the Owner's)",
      tab: "Virtuozzo",
    },
  },
});
