import { readFileSync } from 'node:fs';
import { parseSmaps, rssKinds, rssKindsOf } from './rss-kinds';

const region = (range: string, perms: string, path: string, rssKb: number) =>
  `${range} ${perms} 00000000 fe:00 0 ${path}\nSize: 0 kB\nRss: ${rssKb} kB\nPss: 0 kB\n`;

// One region of each kind, with the neighbours that tell arenas and stacks apart.
const smaps = [
  region('00400000-00500000', 'r-xp', '/opt/node/bin/node', 2048),
  region('01000000-01100000', 'rw-p', '[heap]', 1024),
  region('7f0000000000-7f0000100000', 'rw-p', '', 512), // an arena's used part...
  region('7f0000100000-7f0004000000', '---p', '', 0), // ...and the rest of its 64 MB
  region('7f1000000000-7f1000001000', '---p', '', 0), // a guard page...
  region('7f1000001000-7f1000800000', 'rw-p', '', 256), // ...and the stack above it
  region('7f2000000000-7f2000040000', 'rw-p', '', 3072), // V8's pages
  region('7f3000000000-7f3000100000', 'r-xp', '/usr/lib/x86_64-linux-gnu/libc.so.6', 1536),
  region('7f4000000000-7f4000100000', 'r--p', '/etc/ld.so.cache', 410),
].join('');

describe('rssKindsOf', () => {
  it('puts each mapping under its kind, in MB', () => {
    expect(rssKindsOf(parseSmaps(smaps))).toEqual({
      nodeBinary: 2,
      sharedLibraries: 1.5,
      otherFiles: 0.4,
      mallocMain: 1,
      mallocArenas: 0.5,
      threadStacks: 0.3,
      anonOther: 3,
      total: 8.7,
    });
  });

  it('adds up to the VmRSS of a live process', () => {
    const kinds = rssKinds('self')!;
    const vmRssMb = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) / 1024;
    expect(Math.abs(kinds.total - vmRssMb)).toBeLessThan(0.05 * vmRssMb);
    expect(kinds.nodeBinary).toBeGreaterThan(0);
    expect(kinds.anonOther).toBeGreaterThan(0);
  });
});
