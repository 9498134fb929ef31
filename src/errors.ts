/** Where in a user's file something is wrong. Lines and columns count from 1. */
export interface Location {
  file: string;
  line?: number;
  col?: number;
}

/**
 * Bad user input (scenario, Corefile, objects, flags). The CLI prints `format()` as one line and
 * exits 2, with no stack trace.
 */
export class InputError extends Error {
  readonly where: Location | undefined;

  constructor(message: string, where?: Location) {
    super(message);
    this.name = 'InputError';
    this.where = where;
  }

  format(): string {
    const w = this.where;
    if (!w) return this.message;
    const pos = w.line === undefined ? '' : w.col === undefined ? `:${w.line}` : `:${w.line}:${w.col}`;
    return `${w.file}${pos}: ${this.message}`;
  }
}

/** The machine lacks something a backend needs; the message says what to install or change. Exit 2. */
export class EnvironmentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnvironmentError';
  }
}
