/** One problem of the configuration: the variable it is in, and what is wrong (never its secret). */
export interface ConfigProblem {
  variable: string;
  problem: string;
}

/** A configuration that stops the process at start: one line per problem, each naming its variable. */
export class ConfigError extends Error {
  /** Every problem found, one per variable (the first is also `variable`). */
  readonly problems: ConfigProblem[];

  constructor(
    readonly variable: string,
    problem: string,
    more: ConfigProblem[] = [],
  ) {
    const problems = [{ variable, problem }, ...more];
    super(problems.map((p) => `${p.variable}: ${p.problem}`).join('\n'));
    this.problems = problems;
  }

  /** One line per problem, each naming its variable. */
  get lines(): string[] {
    return this.problems.map((p) => `${p.variable}: ${p.problem}`);
  }
}
