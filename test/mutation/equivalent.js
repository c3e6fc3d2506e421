// Surviving mutants that no input can tell from the code as written, each with the reason.
// They stay counted as survivors (the score is not raised by them); the score table names
// the reason beside each. A `// Stryker disable` comment would also hide the other mutants
// of its mutator on the line, which the specs kill, so these lines carry none.
// An entry applies to a survivor of `file` that replaces `original` (the exact code the
// mutant changes) with `replacement` by `mutator`, on a line containing `code`: a line
// number would go stale with the first edit above it.
module.exports = [
  {
    file: 'libs/contracts/src/fields.ts',
    code: 'if (!NUL_OR_SURROGATE.test(s)) return true;',
    original: '!NUL_OR_SURROGATE.test(s)',
    mutator: 'ConditionalExpression',
    replacement: 'false',
    why: 'a shortcut: without it the loop below reads the same text and also answers true',
  },
  {
    file: 'libs/contracts/src/fields.ts',
    code: 'for (let i = 0; i < s.length; i++) {',
    original: 'i < s.length',
    mutator: 'EqualityOperator',
    replacement: 'i <= s.length',
    why: 'one more turn reads charCodeAt(s.length), NaN, which is neither NUL nor a surrogate',
  },
  {
    file: 'libs/contracts/src/fields.ts',
    code: 'if (!NUL_OR_SURROGATE.test(s)) return s.length;',
    original: '!NUL_OR_SURROGATE.test(s)',
    mutator: 'ConditionalExpression',
    replacement: 'false',
    why: 'a shortcut: without it the loop counts one code point per unit of such text, s.length',
  },
  ...[
    ['ConditionalExpression', 'true'],
    ['EqualityOperator', 'i + 1 <= s.length'],
    ['ArithmeticOperator', 'i - 1'],
  ].map(([mutator, replacement]) => ({
    file: 'libs/contracts/src/fields.ts',
    code: 'if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {',
    original: mutator === 'ArithmeticOperator' ? 'i + 1' : 'i + 1 < s.length',
    mutator,
    replacement,
    why: 'past the last unit charCodeAt gives NaN, which is no low surrogate: the bound only saves a read',
  })),
  ...[
    ['ConditionalExpression', 'false', 'natsSubject === expected || natsSubject.endsWith(`.${expected}`)'],
    ['LogicalOperator', 'natsSubject === expected && natsSubject.endsWith(`.${expected}`)', 'natsSubject === expected || natsSubject.endsWith(`.${expected}`)'],
    ['ConditionalExpression', 'false', 'natsSubject === expected'],
  ].map(([mutator, replacement, original]) => ({
    file: 'libs/contracts/src/decode.ts',
    code: 'if (natsSubject === expected || natsSubject.endsWith(`.${expected}`)) return true;',
    original,
    mutator,
    replacement,
    why: 'a shortcut: the type and the canonical key are lower case, so the lower-case comparison below answers the same',
  })),
  ...['month >= 1', 'month <= 12'].map((check) => ({
    file: 'libs/contracts/src/instant.ts',
    code: 'return year >= 1 && year <= 9999',
    original: check,
    mutator: 'ConditionalExpression',
    replacement: 'true',
    why: `without "${check}", DAYS[month - 1] is undefined for such a month and no day is <= undefined`,
  })),
];
