// Test helpers: a simulator on a random loopback port and a client wired to it over real sockets.
import { SdrsClient } from '../../src/core/client';
import { signRequest } from '../../src/core/signer';
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

export type Json = Record<string, unknown>;
export interface SignedAnswer {
	status: number;
	json: Json;
	text: string;
}

/**
 * Signed SDRS calls to the rig's simulator, as the service's own clients send them (for the
 * simulator's tests): `call('GET', 'jobs/…')` under `/v1/{projectId}/`, and the error code of an
 * answer's body.
 */
export function signedCaller(
	r: () => Rig,
	defaultProjectId: string,
): { call: (method: string, path: string, body?: unknown, projectId?: string) => Promise<SignedAnswer>; code: (json: Json) => string | undefined } {
	return {
		call: async (method, path, body, projectId = defaultProjectId) => {
			const url = `${r().sim.url}/v1/${projectId}/${path}`;
			const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
			const headers = signRequest({ method, url, headers: { 'Content-Type': 'application/json' }, body: text }, DEMO_CREDENTIALS, new Date());
			delete headers.Host;
			const res = await fetch(url, { method, headers, body: text });
			const raw = await res.text();
			return { status: res.status, json: raw ? (JSON.parse(raw) as Json) : {}, text: raw };
		},
		code: (json) => ((json.badrequest ?? json.error ?? json.itemNotFound) as { code?: string } | undefined)?.code,
	};
}
