// The IAM, SDRS and ECS calls the extension uses, with the documented parameters, preconditions
// and error codes.
import { randomBytes } from 'node:crypto';
import { parseQuery } from '../core/signer';
import { jobView, settleJobs, type SimJob } from './jobs';
import { hexId, uuidFrom, type SeedData, type SimGroup } from './seed';
import type { SimState } from './state';
import { HttpError, isObject, sdrsError } from './wire';

const ENABLE = new Set(['available', 'error-starting']);
const ENABLE_AGAIN = new Set(['failed-over', 'error-reprotecting']);
const GROUP_STATUSES = new Set([
	'creating',
	'available',
	'protected',
	'deleting',
	'error-deleting',
	'error',
	'starting',
	'error-starting',
	'reprotecting',
	'error-reprotecting',
	'stopping',
	'error-stopping',
	'reversing',
	'error-reversing',
	'failing-over',
	'failed-over',
	'error-failing-over',
]);

export function route(sim: SimState, method: string, path: string, search: string, body: Buffer): unknown {
	const seg = path.split('/').map((s) => {
		try {
			return decodeURIComponent(s);
		} catch {
			return s;
		}
	});
	const query = new Map<string, string>(parseQuery(search));
	if (method === 'GET' && (path === '/v3/auth/projects' || path === '/v3/projects')) {
		const name = query.get('name');
		return { projects: sim.data.projects.filter((p) => !name || p.name === name).map((p) => ({ ...p, is_domain: false, description: '' })), links: { self: path, next: null, previous: null } };
	}
	if (seg[1] !== 'v1' || seg.length < 4) {
		throw new HttpError(404, { error_code: 'APIGW.0101', error_msg: 'The API does not exist or has not been published in the environment' });
	}
	const projectId = seg[2];
	if (!sim.data.projects.some((p) => p.id === projectId)) {
		throw sdrsError(400, 'SDRS.0001', 'Invalid tenant ID.');
	}
	settleJobs(sim);
	const resource = seg.slice(3).join('/');
	if (method === 'GET' && resource === 'server-groups') {
		return listGroups(sim, projectId, query, search);
	}
	if (seg[3] === 'server-groups' && seg.length === 5 && method === 'GET') {
		return { server_group: groupView(requireGroup(sim, projectId, seg[4])) };
	}
	if (seg[3] === 'server-groups' && seg.length === 6 && seg[5] === 'action' && method === 'POST') {
		return action(sim, projectId, seg[4], body);
	}
	if (seg[3] === 'jobs' && seg.length === 5 && method === 'GET') {
		return jobView(sim, projectId, seg[4]);
	}
	if (method === 'GET' && resource === 'protected-instances') {
		const gid = query.get('server_group_id');
		const items = sim.data.instances.filter((i) => (!gid || i.groupId === gid) && sim.data.groups.some((g) => g.id === i.groupId && g.projectId === projectId));
		return { protected_instances: pageOf(sim, query, items).map((i) => instanceView(sim, i)), count: items.length };
	}
	if (method === 'GET' && resource === 'replications') {
		const gid = query.get('server_group_id');
		const groups = sim.data.groups.filter((g) => g.projectId === projectId && (!gid || g.id === gid));
		const reps = groups.flatMap((g) => Array.from({ length: g.replication_num }, (_, n) => replicationView(sim, g, n)));
		return { replications: pageOf(sim, query, reps), count: reps.length };
	}
	if (method === 'GET' && resource === 'disaster-recovery-drills') {
		const gid = query.get('server_group_id');
		const groups = sim.data.groups.filter((g) => g.projectId === projectId && (!gid || g.id === gid));
		const drills = groups.flatMap((g) =>
			Array.from({ length: g.disaster_recovery_drill_num }, (_, n) => {
				const at = new Date((g.last_drill_at ?? sim.now()) - n * 30 * 86_400_000).toISOString().replace('T', ' ').replace('Z', '');
				return { id: uuidFrom(`drill:${g.id}:${n}`), name: `${g.name}-drill-${n + 1}`, status: n === 0 ? 'available' : 'error', server_group_id: g.id, drill_vpc_id: uuidFrom(`drill-vpc:${g.id}`), created_at: at, updated_at: at };
			}),
		);
		return { disaster_recovery_drills: pageOf(sim, query, drills), count: drills.length };
	}
	if (method === 'GET' && resource === 'cloudservers/detail') {
		const ids = new Set((query.get('server_id') ?? '').split(',').filter(Boolean));
		const servers = sim.data.servers.filter((s) => s.projectId === projectId && (ids.size === 0 || ids.has(s.id)));
		return { servers: servers.map((s) => ({ id: s.id, name: s.name, status: s.status, 'OS-EXT-AZ:availability_zone': s.az })), count: servers.length };
	}
	throw new HttpError(404, { error_code: 'APIGW.0101', error_msg: 'The API does not exist or has not been published in the environment' });
}

export function listGroups(sim: SimState, projectId: string, query: Map<string, string>, search: string): unknown {
	sim.stats.listQueries.push(search);
	if (sim.stats.listQueries.length > 200) {
		sim.stats.listQueries.shift();
	}
	pageBounds(query); // the paging parameters are checked first
	const status = query.get('status');
	if (status && !GROUP_STATUSES.has(status)) {
		throw sdrsError(400, 'SDRS.0209', 'Incorrect status.');
	}
	const name = query.get('name');
	const az = query.get('availability_zone');
	const qt = query.get('query_type');
	const threeMonths = 90 * 86_400_000;
	const matches = sim.data.groups.filter(
		(g) =>
			g.projectId === projectId &&
			(!status || g.status === status) &&
			(!name || g.name.includes(name)) &&
			(!az || (g.priority_station === 'source' ? g.source_availability_zone : g.target_availability_zone) === az) &&
			(!qt ||
				qt === 'general' ||
				(qt === 'status_abnormal' && g.status.startsWith('error')) ||
				(qt === 'stop_protected' && ['available', 'failed-over'].includes(g.status)) ||
				(qt === 'period_no_dr_drill' && (g.last_drill_at === undefined || sim.now() - g.last_drill_at > threeMonths))),
	);
	const page = pageOf(sim, query, matches);
	return { server_groups: page.map((g) => groupView(g)), count: sim.options.countMode === 'page' ? page.length : matches.length };
}

export function requireGroup(sim: SimState, projectId: string, id: string): SimGroup {
	const g = sim.data.groups.find((x) => x.id === id && x.projectId === projectId);
	if (!g) {
		throw sdrsError(400, 'SDRS.1013', 'Protection group not found.');
	}
	return g;
}

export function groupView(g: SimGroup): Record<string, unknown> {
	return {
		id: g.id,
		name: g.name,
		description: g.description,
		status: g.status,
		progress: g.progress,
		source_availability_zone: g.source_availability_zone,
		target_availability_zone: g.target_availability_zone,
		domain_id: null,
		domain_name: null,
		priority_station: g.priority_station,
		protected_instance_num: g.protected_instance_num,
		replication_num: g.replication_num,
		disaster_recovery_drill_num: g.disaster_recovery_drill_num,
		protected_status: null,
		replication_status: null,
		health_status: null,
		source_vpc_id: hexId(`vpc:${g.id}:s`),
		target_vpc_id: hexId(`vpc:${g.id}:t`),
		test_vpc_id: null,
		dr_type: 'migration',
		protection_type: 'replication-pair',
		replication_model: null,
		server_type: 'ECS',
		created_at: g.created_at,
		updated_at: g.updated_at,
	};
}

/** The documented paging parameters: limit 1–1000 (default 1000), offset ≥ 0. */
function pageBounds(query: Map<string, string>): { limit: number; offset: number } {
	const limit = query.has('limit') ? Number(query.get('limit')) : 1000;
	const offset = query.has('offset') ? Number(query.get('offset')) : 0;
	if (!Number.isInteger(limit) || limit <= 0 || limit > 1000) {
		throw sdrsError(400, 'SDRS.0221', 'The limit value must be greater than 0 or less than 1000.');
	}
	if (!Number.isInteger(offset) || offset < 0) {
		throw sdrsError(400, 'SDRS.0222', 'The offset value cannot be negative, and must be an integer.');
	}
	return { limit, offset };
}

/** One page of a list, as the simulator's paging mode serves it (a broken server ignores offset, or both). */
function pageOf<T>(sim: SimState, query: Map<string, string>, items: T[]): T[] {
	const { limit, offset } = pageBounds(query);
	const mode = sim.options.paging;
	return mode === 'ignoreOffsetAndLimit' ? items.slice() : mode === 'ignoreOffset' ? items.slice(0, limit) : items.slice(offset, offset + limit);
}

function replicationView(sim: SimState, g: SimGroup, n: number): Record<string, unknown> {
	const instance = sim.data.instances.filter((i) => i.groupId === g.id)[n];
	return {
		id: uuidFrom(`rep:${g.id}:${n}`),
		name: `${g.name}-rep${n + 1}`,
		status: g.status,
		server_group_id: g.id,
		replication_model: 'hypermetro',
		volume_ids: `${uuidFrom(`vol:${g.id}:${n}:s`)},${uuidFrom(`vol:${g.id}:${n}:t`)}`,
		progress: g.status === 'protected' ? 100 : g.progress,
		replication_status: g.status === 'protected' ? 'active' : 'inactive',
		priority_station: g.priority_station,
		// The seed's legacy group has a broken link; the rest are healthy.
		fault_level: g.status === 'error' ? '5' : '0',
		attachment: instance ? [{ protected_instance: instance.id, device: '/dev/vda' }] : [],
		record_metadata: { multiattach: false, bootable: n === 0, volume_size: 40 + 10 * n, volume_type: 'SSD' },
		created_at: g.created_at,
		updated_at: g.updated_at,
	};
}

export function instanceView(sim: SimState, i: SeedData['instances'][number]): Record<string, unknown> {
	const g = sim.data.groups.find((x) => x.id === i.groupId);
	return {
		id: i.id,
		name: i.name,
		server_group_id: i.groupId,
		status: g?.status ?? 'available',
		source_server: i.sourceServer,
		target_server: i.targetServer,
		priority_station: g?.priority_station ?? 'source',
	};
}

export function action(sim: SimState, projectId: string, groupId: string, body: Buffer): unknown {
	let parsed: unknown;
	try {
		parsed = JSON.parse(body.toString('utf8'));
	} catch {
		throw sdrsError(400, 'SDRS.0201', 'Invalid request parameters: the body is not JSON.', 'badrequest');
	}
	if (!isObject(parsed) || Object.keys(parsed).length !== 1) {
		throw sdrsError(400, 'SDRS.0201', 'Invalid request parameters.', 'badrequest');
	}
	if (!('start-server-group' in parsed)) {
		throw sdrsError(400, 'SDRS.0206', 'Invalid action.', 'badrequest');
	}
	const g = requireGroup(sim, projectId, groupId);
	let type: string;
	if (ENABLE.has(g.status)) {
		if (g.replication_num <= 0) {
			throw sdrsError(400, 'SDRS.1002', 'Operation not allowed for the protection group in the current state: the group has no replication pairs.', 'badrequest');
		}
		type = 'startProtectionGroupNoCG';
	} else if (ENABLE_AGAIN.has(g.status)) {
		const drAz = g.priority_station === 'source' ? g.target_availability_zone : g.source_availability_zone;
		if (sim.serversOf(g.id).some((s) => s.az === drAz && s.status !== 'SHUTOFF')) {
			throw sdrsError(400, 'SDRS.1342', 'Current DR site server is not stopped.', 'badrequest');
		}
		type = 'reprotectProtectionGroupNoCG';
	} else {
		throw sdrsError(400, 'SDRS.1002', 'Operation not allowed for the protection group in the current state.', 'badrequest');
	}
	const job: SimJob = {
		id: randomBytes(16).toString('hex'),
		projectId,
		groupId: g.id,
		type,
		createdAt: sim.now(),
		durationMs: g.jobDurationMs ?? sim.options.jobDurationMs,
		outcome: g.nextOutcome ?? 'success',
		settled: false,
	};
	sim.jobs.set(job.id, job);
	sim.stats.jobsCreated[g.id] = (sim.stats.jobsCreated[g.id] ?? 0) + 1;
	const transition = (): void => {
		if (job.settled) {
			return;
		}
		g.status = type.startsWith('start') ? 'starting' : 'reprotecting';
		g.progress = 0;
		g.updated_at = new Date(sim.now()).toISOString();
	};
	// The service changes the group's status when the job starts: at once, or a little later.
	if (sim.options.transitionDelayMs > 0) {
		setTimeout(transition, sim.options.transitionDelayMs).unref();
	} else {
		transition();
	}
	return { job_id: job.id };
}

