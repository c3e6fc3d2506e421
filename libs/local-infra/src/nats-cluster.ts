import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, natsServerBinary, TestNatsServer, waitForPort } from './nats-server';

/** One node: like a single test server, restarted on the same ports and store it rejoins the cluster. */
export interface ClusterNode extends Omit<TestNatsServer, 'stop'> {
  name: string;
}

export interface TestNatsCluster {
  nodes: ClusterNode[];
  /** Every client URL, as NATS_URL takes them (comma-joined). */
  urls: string[];
  stop(): Promise<void>;
}

/**
 * A JetStream cluster of `size` nats-server processes on loopback ports, each with its
 * own store, routed to each other: R3 streams survive the loss of one node.
 */
export async function startNatsCluster(size = 3): Promise<TestNatsCluster> {
  const bin = natsServerBinary();
  const clusterName = `calm${Math.floor(Math.random() * 1e6)}`;
  const clientPorts = await distinctPorts(size * 2);
  const routePorts = clientPorts.splice(size);
  const routes = routePorts.map((p) => `nats://127.0.0.1:${p}`).join(',');
  const nodes: ClusterNode[] = clientPorts.map((port, i) => {
    const storeDir = mkdtempSync(join(tmpdir(), `calm-nats-c${i}-`));
    const name = `${clusterName}-n${i}`;
    const launch = () =>
      spawn(
        bin,
        [
          '-a',
          '127.0.0.1',
          '-p',
          String(port),
          '-js',
          '-sd',
          storeDir,
          '-n',
          name,
          '--cluster_name',
          clusterName,
          '--cluster',
          `nats://127.0.0.1:${routePorts[i]}`,
          '--routes',
          routes,
        ],
        { stdio: 'ignore' },
      );
    const node: ClusterNode = {
      name,
      url: `nats://127.0.0.1:${port}`,
      port,
      storeDir,
      process: launch(),
      async kill() {
        if (node.process.exitCode !== null || node.process.signalCode !== null) return;
        const exited = new Promise((r) => node.process.once('exit', r));
        node.process.kill('SIGKILL');
        await exited;
      },
      async restart() {
        node.process = launch();
        await waitForPort(port);
      },
    };
    return node;
  });
  await Promise.all(nodes.map((n) => waitForPort(n.port)));
  return {
    nodes,
    urls: nodes.map((n) => n.url),
    async stop() {
      await Promise.all(nodes.map((n) => n.kill()));
      for (const n of nodes) rmSync(n.storeDir, { recursive: true, force: true });
    },
  };
}

async function distinctPorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}
