// Test helpers: a simulator on a random loopback port and a client wired to it over real sockets.
import { SdrsClient } from '../../src/core/client';
import { HttpPipeline, type HttpOptions } from '../../src/core/http';
import type { Project } from '../../src/core/model';
import { DEMO_CREDENTIALS, startSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator/simulator';
import { projectIdFor } from '../../src/simulator/seed';

export interface Rig {
	sim: Simulator;
	http: HttpPipeline;
	client: SdrsClient;
	project: Project;
}

export async function rig(simOptions: SimulatorOptions = {}, httpOptions: Partial<HttpOptions> = {}): Promise<Rig> {
	const sim = await startSimulator({ jobDurationMs: 300, ...simOptions });
	const http = new HttpPipeline({ credentials: () => DEMO_CREDENTIALS, baseBackoffMs: 5, maxBackoffMs: 20, timeoutMs: 2000, ...httpOptions });
	const client = new SdrsClient(http, { iam: sim.url, sdrs: sim.url, ecs: sim.url, vpc: sim.url });
	const project: Project = { id: projectIdFor('cn-north-4'), name: 'cn-north-4', region: 'cn-north-4', isSubProject: false };
	return { sim, http, client, project };
}

export async function rejects(p: Promise<unknown>): Promise<Error & Record<string, unknown>> {
	try {
		await p;
	} catch (e) {
		return e as Error & Record<string, unknown>;
	}
	throw new Error('expected the promise to reject, but it resolved');
}
