// What other apps and the bench may use of the replay CLI: the history seeder, which
// writes a synthetic history into the streams (the bench's 1M-event rebuild and the
// replay memory soak test read it back), and the COPY FROM STDIN and the swap the rebuild
// writes with (the bench's replay floor probe measures PostgreSQL's side of them).
// Everything else is the CLI's own.
export { seedHistory } from './tools/seed-history';
export { copyIn } from './db/copy-in';
export { replaceTableContents } from './db/swap-tables';
