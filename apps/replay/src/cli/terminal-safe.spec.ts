import fc from 'fast-check';
import { terminalSafe } from './terminal-safe';

// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]/;

describe('terminalSafe', () => {
  it('escapes every control character and bidi override, and keeps everything else, astral and combining included', () => {
    expect(terminalSafe('\u001b]0;owned\u0007a\r\nb\u202e')).toBe('\\u001b]0;owned\\u0007a\\u000d\\u000ab\\u202e');
    expect(terminalSafe('Zoë 𝄞 e\u0301 名前')).toBe('Zoë 𝄞 e\u0301 名前');
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (s) => {
        const out = terminalSafe(s);
        expect(out).not.toMatch(UNSAFE);
        // Nothing but the unsafe characters changed.
        expect(out.replace(/\\u[0-9a-f]{4}/g, '')).toBe(s.replace(new RegExp(UNSAFE.source, 'g'), '').replace(/\\u[0-9a-f]{4}/g, ''));
      }),
    );
  });
});
