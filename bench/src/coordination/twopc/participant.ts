import { JsonHttpClient, JsonAnswer } from '../../http-client';

/** The global transaction id of a scenario (the decision log's key): one per account, so a retried scenario cannot prepare twice. */
export const gidOf = (accountId: string): string => `calm2pc_${accountId}`;

/**
 * One participant of the two-phase commit: a service, reached over its participant API
 * (/twopc/branches, served with TWOPC_PARTICIPANT=true). It prepares, commits and rolls
 * back its branch in its own database; the coordinator never connects to that database.
 */
export class Participant {
  constructor(
    readonly name: 'customers' | 'accounts',
    private readonly http: JsonHttpClient,
  ) {}

  prepare(gid: string, body: unknown): Promise<JsonAnswer> {
    return this.http.call('POST', `/twopc/branches/${gid}/prepare`, body);
  }

  /** true once the branch is committed or was already finished; false when the participant did not answer 2xx (recovery tries again). */
  async finish(gid: string, verb: 'commit' | 'abort'): Promise<boolean> {
    const r = await this.http.call('POST', `/twopc/branches/${gid}/${verb}`);
    return r.status === 200;
  }

  /** The gids the participant holds prepared, or null when it did not answer. */
  async prepared(): Promise<string[] | null> {
    const r = await this.http.call('GET', '/twopc/branches');
    return r.status === 200 ? (r.body as { prepared: string[] }).prepared : null;
  }

  close(): void {
    this.http.close();
  }
}
