import { eventIds } from '@calm/contracts';
import { expectConverged } from './convergence';

/** The parts of expectConverged that need no database: lost is computed, never assumed. */
describe('expectConverged', () => {
  const [a, b] = ['a0000000-0000-4000-8000-00000000000a', 'a0000000-0000-4000-8000-00000000000b'];
  const acknowledged = new Map([
    [a, 'c1'],
    [b, 'c2'],
  ]);
  const validatedEvents = async () => [a, b].map((id) => ({ subject: `account.validated.${id}`, data: { id: eventIds.accountValidated(id) } }));

  it('counts an acknowledged account that answers 404 as lost, and fails', async () => {
    const getAccount = async (id: string) => (id === b ? { status: 404, body: {} } : { status: 200, body: { status: 'valid' } });
    await expect(expectConverged(acknowledged, { getAccount, validatedEvents, databaseUrl: 'postgres://unused' }, 300)).rejects.toThrow(
      `lost 1 of 2 acknowledged accounts`,
    );
  });

  it('fails on an account that exists but never turns valid, naming it', async () => {
    const getAccount = async (id: string) => ({ status: 200, body: { status: id === a ? 'pending' : 'valid' } });
    await expect(expectConverged(acknowledged, { getAccount, validatedEvents, databaseUrl: 'postgres://unused' }, 300)).rejects.toThrow(
      `1 of 2 acknowledged accounts not valid`,
    );
  });
});
