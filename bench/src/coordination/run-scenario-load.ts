import { join } from 'node:path';
import { runForked } from '../rest-open.bench';
import type { ScenarioLoadRequest, ScenarioLoadResult } from './scenario-load';

/** Runs one scenario load in a forked process (never on the bench's or a service's thread). */
export const runScenarioLoad = (req: ScenarioLoadRequest): Promise<ScenarioLoadResult> => runForked(join(__dirname, 'scenario-load.js'), req);
