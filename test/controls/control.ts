/** A negative control: a named patch of the code under which the listed tests must fail. */
export interface Control {
  name: string;
  breaks: string;
  /** Each `find` must occur exactly once in `file` (a patch that no longer applies is a failure). */
  patches: { file: string; find: string; replace: string }[];
  /** Test files (paths from the repository root) that must fail with the patch applied. */
  tests: string[];
  testNamePattern?: string;
}
