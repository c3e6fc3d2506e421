import { CaseState, DemoView } from './demo-view';

const valid: CaseState = {
  plan: { index: 0, accountId: '0e4a7f3c-1b2d-4c5e-8f90-a1b2c3d4e5f6', name: 'Ada', accountFirst: true } as CaseState['plan'],
  status: 'valid',
  customerSent: true,
  openedToValidMs: 12,
};

const drawn = (isTTY: boolean, colors: boolean): string => {
  let text = '';
  new DemoView({ isTTY, write: (s: string) => ((text += s), true) } as never, { colors }).render([valid]);
  return text;
};

const SGR = /\x1b\[[0-9;]*m/; // eslint-disable-line no-control-regex

it('colours the status on a terminal, and not when NO_COLOR asks for none or out of a terminal', () => {
  expect(drawn(true, true)).toMatch(SGR);
  expect(drawn(true, false)).not.toMatch(SGR);
  expect(drawn(true, false)).toContain('valid');
  expect(drawn(false, true)).not.toMatch(SGR);
});
