// Where the browser tests leave their screenshots, and the widths and colour schemes they look at.
import { fileURLToPath } from "node:url";

export const SCREENSHOTS = fileURLToPath(new URL("../../test-artifacts/screenshots/", import.meta.url));
/** a small phone and a desktop */
export const VIEWPORTS = [
  { width: 360, height: 740 },
  { width: 1280, height: 800 },
];
export const SCHEMES = ["light", "dark"] as const;
