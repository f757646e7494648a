// The one error type of the project module: names the source (file path or "project") and lists
// every problem found, each at the JSON pointer of the faulty field.
import { type ProjectProblem, formatProblems } from './schema.ts';

export class ProjectError extends Error {
  /** File path or label of what was read. */
  readonly source: string;
  readonly problems: readonly ProjectProblem[];

  constructor(source: string, problems: readonly ProjectProblem[], what = 'is not a valid project file') {
    super(`${source} ${what}:\n${formatProblems(problems)}`);
    this.name = 'ProjectError';
    this.source = source;
    this.problems = problems;
  }

  /** The file could not be read or parsed: "<file>: cannot read the project: <reason>". */
  static unreadable(file: string, reason: string): ProjectError {
    const error = new ProjectError(file, [{ pointer: '', message: reason }]);
    error.message = `${file}: cannot read the project: ${reason}`;
    return error;
  }
}
