// Example plugin: a notes app's permissions. List it in PLUGINS (PLUGINS=plugins/acme-notes/index.ts) and its
// codes appear in the role editor under the "Notes" tab; new teams' Managers and Developers get them as listed.
import { definePlugin } from "../../src/plugins/define-plugin.ts";

export default definePlugin({
  id: "acme.notes",
  name: "Acme Notes",
  permissions: {
    "acme.notes.note.read": { label: "Read notes", tab: "Notes", roles: ["manager", "developer"] },
    "acme.notes.note.update": { label: "Write and edit notes", tab: "Notes", roles: ["manager", "developer"] },
    "acme.notes.note.delete": { label: "Delete notes", tab: "Notes", roles: ["manager"] },
  },
});
