// Entry of `npm run test:controls`: the runner is TypeScript (test/controls/run.ts),
// compiled on load by SWC, the compiler Jest already uses here (no separate build).
const { readFileSync } = require('node:fs');
const { transformSync } = require('@swc/core');

require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(readFileSync(filename, 'utf8'), {
    filename,
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
require('./run.ts');
