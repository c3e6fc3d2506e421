import { readFileSync } from 'node:fs';
import { NodeConnectionOptions, credsAuthenticator } from '@nats-io/transport-node';
import { NatsAuthConfig } from './config';

/**
 * Maps the validated NATS credentials and TLS files onto the client's connect options
 * (NatsClientOptions.connectOptions). The creds file is read once here, at start.
 */
export function natsConnectOptions(auth: NatsAuthConfig | undefined): Partial<NodeConnectionOptions> {
  if (!auth) return {};
  const options: Partial<NodeConnectionOptions> = {};
  if (auth.user !== undefined) Object.assign(options, { user: auth.user, pass: auth.pass });
  if (auth.token !== undefined) options.token = auth.token;
  if (auth.inboxPrefix) options.inboxPrefix = auth.inboxPrefix;
  if (auth.credsFile) options.authenticator = credsAuthenticator(readFileSync(auth.credsFile));
  if (auth.tls) {
    options.tls = {};
    if (auth.tls.caFile) options.tls.caFile = auth.tls.caFile;
    if (auth.tls.certFile) options.tls.certFile = auth.tls.certFile;
    if (auth.tls.keyFile) options.tls.keyFile = auth.tls.keyFile;
  }
  return options;
}
