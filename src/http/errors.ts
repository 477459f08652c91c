// Errors the HTTP layer turns into clear 4xx pages or JSON; anything else is a 500 with no details.
export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    /** safe to show to the user */
    readonly publicMessage: string,
    readonly data?: Record<string, unknown>,
  ) {
    super(`${code}: ${publicMessage}`);
    this.name = "AppError";
  }
}

export function assertThat(condition: unknown, error: () => AppError): asserts condition {
  if (!condition) throw error();
}
