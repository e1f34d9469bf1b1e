/** A failure of the native stack, with the lines of a log that explain it when there is one. */
export class StackError extends Error {
  readonly detail: string | undefined;

  constructor(message: string, detail?: string) {
    super(message);
    this.name = 'StackError';
    this.detail = detail;
  }

  /** The message followed by its detail, indented, as printed by the CLI. */
  describe(): string {
    if (!this.detail) return this.message;
    const indented = this.detail
      .trimEnd()
      .split('\n')
      .map((line) => `    ${line}`)
      .join('\n');
    return `${this.message}\n${indented}`;
  }
}
