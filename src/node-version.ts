// Gatehouse supports Node.js 22 LTS (22.12 or later) and 24 LTS or later; oidc-provider 9 and the test
// runner need them. Checked before anything else is loaded so the message is the first thing printed.
export const SUPPORTED_NODE = ">= 22.12 (22 LTS) or >= 24";

export function nodeVersionProblem(version = process.versions.node): string | undefined {
  const [major = 0, minor = 0] = version.split(".").map(Number);
  if (major > 22 || (major === 22 && minor >= 12)) return undefined;
  return `Gatehouse needs Node.js ${SUPPORTED_NODE}; this is Node.js ${version}. Install Node.js 22 LTS, or run through npm (npm start / npm test), which uses the Node 22 the project installs.`;
}
