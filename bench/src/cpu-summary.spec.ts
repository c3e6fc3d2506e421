import { cpuProfileSection, summarizeCpu } from './cpu-summary';
import { rebuild1mSection } from './replay-1m';

describe('summarizeCpu', () => {
  it('shares the busy samples out by package and by function (self time), idle left out', () => {
    const s = summarizeCpu({
      nodes: [
        { id: 1, callFrame: { functionName: '(root)', url: '' } },
        { id: 2, callFrame: { functionName: 'handle', url: 'file:///app/node_modules/fastify/lib/route.js' } },
        { id: 3, callFrame: { functionName: 'openMember', url: 'file:///app/dist/apps/accounts/src/persistence/x.js' } },
        { id: 4, callFrame: { functionName: '(idle)', url: '' } },
      ],
      samples: [2, 4, 2, 4, 2, 3],
      startTime: 0,
      endTime: 2_000_000,
    });
    expect(s).toEqual({
      seconds: 2,
      busy_samples: 4,
      by_package: [
        ['fastify', 75],
        ['app:apps/accounts/src', 25],
      ],
      by_function: [
        ['handle (fastify)', 75],
        ['openMember (app:apps/accounts/src)', 25],
      ],
    });
    expect(cpuProfileSection({ before: { profile: 'p', commit: 'abc', command: 'bench', ...s } })).toContain(
      '- by function: handle (fastify) 75 %; openMember',
    );
  });
});

describe('rebuild1mSection', () => {
  const doc = {
    events: 1_000_000,
    accounts_per_customer: 3.4,
    seed_seconds: 40,
    rebuild: { events: 1_000_000, seconds: 20, eventsPerSecond: 50_000, peakRssMb: 380 },
    context: { cores: 2, cpu: 'x', node: 'v24', commit: null, started_at: '2026-12-06T08:00:00.000Z', loadavg_before: [1, 1, 1], loadavg_after: [1, 1, 1] },
  };
  it('judges the peak RSS against 400 MB', () => {
    expect(rebuild1mSection(doc)).toContain('| 380 MB | <= 400 MB | **yes** |');
    expect(rebuild1mSection({ ...doc, rebuild: { ...doc.rebuild, peakRssMb: 401 } })).toContain('| 401 MB | <= 400 MB | no |');
  });
});
