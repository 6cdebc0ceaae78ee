// Task Center: the records failed jobs leave. GET /v1/{project_id}/task-center/failure-jobs (with
// no server_group_id only group-level records, as the API reference says), and the three DELETEs,
// which answer 204 with no body. Deleting a record repairs nothing.
import type { SimFailureJob } from './seed';
import type { SimState } from './state';
import { Answer, sdrsError } from './wire';

type Query = Map<string, string>;
type Page = <T>(query: Query, items: T[]) => T[];

/** Answered as 204 No Content. */

export function failureJobView(f: SimFailureJob): Record<string, unknown> {
	const { job_id, job_type, job_status, failure_status, resource_id, resource_name, resource_type, error_code, fail_reason, begin_time } = f;
	return { job_id, job_type, job_status, failure_status, resource_id, resource_name, resource_type, error_code, fail_reason, begin_time };
}

/** Routes under task-center/ (`seg` from the project on: ['task-center', …]). */
export function taskCenterRoutes(sim: SimState, method: string, projectId: string, seg: string[], query: Query, page: Page): unknown {
	const mine = (f: SimFailureJob): boolean => f.projectId === projectId;
	const keep = (drop: (f: SimFailureJob) => boolean): Answer => {
		sim.data.failureJobs = sim.data.failureJobs.filter((f) => !(mine(f) && drop(f)));
		return new Answer(204, undefined);
	};
	if (seg.length === 2 && seg[1] === 'failure-jobs' && method === 'GET') {
		const { failure_status: status, resource_name: name, server_group_id: gid, resource_type: type } = Object.fromEntries(query) as Record<string, string | undefined>;
		const matches = sim.data.failureJobs.filter(
			(f) =>
				mine(f) &&
				(gid ? f.serverGroupId === gid : f.resource_type === 'server_groups') &&
				(!status || f.failure_status === status) &&
				(!name || f.resource_name.includes(name)) &&
				(!type || f.resource_type === type),
		);
		return { failure_jobs: page(query, matches).map(failureJobView), count: matches.length };
	}
	if (method !== 'DELETE') {
		return undefined;
	}
	if (seg.length === 3 && seg[1] === 'failure-jobs' && seg[2] === 'batch') {
		return keep((f) => f.resource_type === 'server_groups');
	}
	if (seg.length === 3 && seg[1] === 'failure-jobs') {
		if (!sim.data.failureJobs.some((f) => mine(f) && f.job_id === seg[2])) {
			// INFERRED: the reference names no code for an unknown record.
			throw sdrsError(400, 'SDRS.0201', 'Invalid request parameters: no failure job with this ID.');
		}
		return keep((f) => f.job_id === seg[2]);
	}
	if (seg.length === 4 && seg[2] === 'failure-jobs' && seg[3] === 'batch') {
		if (!sim.data.groups.some((g) => g.id === seg[1] && g.projectId === projectId)) {
			throw sdrsError(400, 'SDRS.1013', 'Protection group not found.');
		}
		return keep((f) => f.serverGroupId === seg[1]);
	}
	return undefined;
}
