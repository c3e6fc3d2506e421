import { readFileSync } from 'node:fs';

/**
 * What a Node process's resident set is made of, read from /proc/<pid>/smaps, in MB:
 *
 * - `nodeBinary`: the pages of the node executable (its code and read-only data, ICU's
 *   included) the process has touched; file-backed and clean, shared with every other
 *   node process of the machine, counted whole in VmRSS all the same;
 * - `sharedLibraries` and `otherFiles`: the rest of the file mappings;
 * - `mallocMain`: glibc's main arena (`[heap]`), what the main thread mallocs;
 * - `mallocArenas`: glibc's per-thread arenas (64 MB reservations), what V8's worker
 *   threads (compilation, concurrent marking) and libuv's threadpool malloc;
 * - `threadStacks`: the threads' stacks (a guard page below each);
 * - `anonOther`: every other private mapping, V8's heap (its spaces, code included) for
 *   the most part, and large mallocs that glibc maps on their own.
 *
 * The arenas are told apart from V8's mappings by their shape (a readable part followed
 * by an inaccessible one adding up to 64 MB), thread stacks by their guard page.
 */
export interface RssKinds {
  nodeBinary: number;
  sharedLibraries: number;
  otherFiles: number;
  mallocMain: number;
  mallocArenas: number;
  threadStacks: number;
  anonOther: number;
  total: number;
}

interface Region {
  start: number;
  end: number;
  perms: string;
  path: string;
  rssKb: number;
}

const ARENA_KB = 64 * 1024;

export function parseSmaps(text: string): Region[] {
  const regions: Region[] = [];
  for (const line of text.split('\n')) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \d+\s*(.*)$/.exec(line);
    if (head) {
      regions.push({ start: parseInt(head[1], 16), end: parseInt(head[2], 16), perms: head[3], path: head[4].trim(), rssKb: 0 });
    } else if (line.startsWith('Rss:') && regions.length) {
      regions[regions.length - 1].rssKb = Number(/(\d+)/.exec(line)![1]);
    }
  }
  return regions;
}

const sizeKb = (r: Region) => (r.end - r.start) / 1024;
const inaccessible = (r: Region | undefined) => r !== undefined && r.perms.startsWith('---');

function kindOf(r: Region, prev: Region | undefined, next: Region | undefined): keyof Omit<RssKinds, 'total'> {
  if (r.path.startsWith('/')) {
    if (/\/node( \(deleted\))?$/.test(r.path)) return 'nodeBinary';
    return /\.so(\.\d+)*$/.test(r.path) ? 'sharedLibraries' : 'otherFiles';
  }
  if (r.path === '[heap]') return 'mallocMain';
  if (r.path.startsWith('[')) return r.path === '[stack]' ? 'threadStacks' : 'anonOther';
  if (inaccessible(prev) && prev!.end === r.start && sizeKb(prev!) === 4) return 'threadStacks';
  if (inaccessible(next) && next!.start === r.end && sizeKb(r) + sizeKb(next!) === ARENA_KB) return 'mallocArenas';
  if (sizeKb(r) === ARENA_KB && r.start % (ARENA_KB * 1024) === 0) return 'mallocArenas';
  return 'anonOther';
}

export function rssKindsOf(regions: Region[]): RssKinds {
  const kb: RssKinds = { nodeBinary: 0, sharedLibraries: 0, otherFiles: 0, mallocMain: 0, mallocArenas: 0, threadStacks: 0, anonOther: 0, total: 0 };
  regions.forEach((r, i) => {
    kb[kindOf(r, regions[i - 1], regions[i + 1])] += r.rssKb;
    kb.total += r.rssKb;
  });
  const mb = (x: number) => Math.round(x / 102.4) / 10;
  return Object.fromEntries(Object.entries(kb).map(([k, v]) => [k, mb(v)])) as unknown as RssKinds;
}

/** The resident set of process `pid` by kind; null once it has gone. */
export function rssKinds(pid: number | 'self'): RssKinds | null {
  try {
    return rssKindsOf(parseSmaps(readFileSync(`/proc/${pid}/smaps`, 'utf8')));
  } catch {
    return null;
  }
}
