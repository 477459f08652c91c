// A problem the operator must fix before Gatehouse can start; printed as one clear line, without a stack.
export class StartupError extends Error {
  override name = "StartupError";
}
