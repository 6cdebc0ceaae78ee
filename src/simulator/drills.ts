// DR drills: GET (list and one), POST (create, a job) and DELETE (a job) on
// /v1/{project_id}/disaster-recovery-drills, with the documented preconditions and error codes.
// A drill is built from the DR-site servers into the drill VPC: a drill server per protected
// instance. Without drill_vpc_id the service creates the drill VPC, with the group's subnets.
import { randomBytes } from 'node:crypto';
import type { SimJob } from './jobs';
import { DRILL_DELETABLE, DRILL_FROM, sites } from './rules';
import { uuidFrom, type SimDrill, type SimGroup } from './seed';
import type { SimState } from './state';
import { isObject, sdrsError } from './wire';

type Query = Map<string, string>;
type Page = <T>(query: Query, items: T[]) => T[];

const NAME = /^[\p{Script=Han}A-Za-z0-9._-]+$/u;
const DEFAULT_SUBNETS = ['192.168.0.0/24'];
const refuse = (code: string, message: string): Error => sdrsError(400, code, message, 'badrequest');
const stamp = (t: number): string => new Date(t).toISOString().replace('T', ' ').replace('Z', '');

export function drillView(d: SimDrill): Record<string, unknown> {
	return {
		id: d.id,
		name: d.name,
		status: d.status,
		drill_vpc_id: d.drill_vpc_id,
		created_at: d.created_at,
		updated_at: d.updated_at,
		server_group_id: d.groupId,
		drill_servers: d.drill_servers.map((s) => ({ ...s })),
	};
}

/** The CIDR blocks of the group's subnets (the subnets of its VPC). */
export function groupSubnets(sim: SimState, g: SimGroup): string[] {
	return sim.data.vpcs.find((v) => v.id === g.vpcId)?.subnets ?? DEFAULT_SUBNETS;
}

export function drillRoutes(sim: SimState, method: string, projectId: string, seg: string[], query: Query, body: Buffer, page: Page): unknown {
	const drills = sim.data.drills.filter((d) => d.projectId === projectId);
	if (seg.length === 4 && method === 'GET') {
		const { server_group_id: gid, name, status, drill_vpc_id: vpc } = Object.fromEntries(query) as Record<string, string | undefined>;
		const matches = drills.filter((d) => (!gid || d.groupId === gid) && (!name || d.name.includes(name)) && (!status || d.status === status) && (!vpc || d.drill_vpc_id === vpc));
		return { disaster_recovery_drills: page(query, matches).map(drillView), count: matches.length };
	}
	if (seg.length === 4 && method === 'POST') {
		return createDrill(sim, projectId, body);
	}
	if (seg.length === 5 && (method === 'GET' || method === 'DELETE')) {
		const d = drills.find((x) => x.id === seg[4]);
		if (!d) {
			throw sdrsError(400, 'SDRS.1902', 'DR drill not found.', 'itemNotFound');
		}
		return method === 'GET' ? { disaster_recovery_drill: drillView(d) } : deleteDrill(sim, d);
	}
	return undefined;
}

function startJob(sim: SimState, g: SimGroup, d: SimDrill, type: string, failDetail?: string): { job_id: string } {
	const job: SimJob = {
		id: randomBytes(16).toString('hex'),
		projectId: g.projectId,
		groupId: g.id,
		type,
		drillId: d.id,
		createdAt: sim.now(),
		durationMs: g.jobDurationMs ?? sim.options.jobDurationMs,
		outcome: failDetail ? 'fail' : 'success',
		failDetail,
		settled: false,
	};
	sim.jobs.set(job.id, job);
	return { job_id: job.id };
}

function createDrill(sim: SimState, projectId: string, body: Buffer): unknown {
	let parsed: unknown;
	try {
		parsed = JSON.parse(body.toString('utf8'));
	} catch {
		throw refuse('SDRS.0201', 'Invalid request parameters: the body is not JSON.');
	}
	const p = isObject(parsed) ? parsed.disaster_recovery_drill : undefined;
	if (!isObject(p) || typeof p.server_group_id !== 'string' || (p.drill_vpc_id !== undefined && typeof p.drill_vpc_id !== 'string')) {
		throw refuse('SDRS.0201', 'Invalid request parameters: disaster_recovery_drill needs server_group_id and name.');
	}
	const name = p.name;
	// At most 64 bytes of CJK characters, letters, digits, '.', '_' and '-'.
	if (typeof name !== 'string' || !NAME.test(name) || Buffer.byteLength(name, 'utf8') > 64) {
		throw refuse('SDRS.0202', 'Invalid name.');
	}
	const g = sim.data.groups.find((x) => x.id === p.server_group_id && x.projectId === projectId);
	if (!g) {
		throw sdrsError(400, 'SDRS.1013', 'Protection group not found.');
	}
	if (!DRILL_FROM.has(g.status)) {
		// INFERRED: the status table names no code of its own for drills.
		throw refuse('SDRS.1002', 'Operation not allowed for the protection group in the current state.');
	}
	const subnets = groupSubnets(sim, g);
	let vpc = sim.data.vpcs.find((v) => v.projectId === projectId && v.id === p.drill_vpc_id);
	if (p.drill_vpc_id !== undefined) {
		if (!vpc) {
			throw refuse('SDRS.1928', 'Failed to find the VPC.');
		}
		if (vpc.id === g.vpcId) {
			throw refuse('SDRS.1907', 'Drill VPC conflicts with the VPC of the protection group.');
		}
		if (sim.data.drills.some((d) => d.drill_vpc_id === vpc?.id && d.status === 'creating')) {
			throw refuse('SDRS.1921', 'Drill VPC is already used for creating a DR drill.');
		}
	} else {
		// The service creates the drill VPC with the group's subnets.
		const id = uuidFrom(`vpc:${projectId}:drill:${sim.data.vpcs.length}:${sim.now()}`);
		vpc = {
			id,
			projectId,
			name: `sdrs-drill-vpc-${id.slice(0, 8)}`,
			cidr: sim.data.vpcs.find((v) => v.id === g.vpcId)?.cidr ?? '192.168.0.0/16',
			status: 'OK',
			subnets: [...subnets],
			created_at: new Date(sim.now()).toISOString(),
		};
		sim.data.vpcs.push(vpc);
	}
	// Subnet problems show when the job runs, as the job's failure.
	const missing = subnets.filter((c) => !vpc.subnets.includes(c));
	const failDetail = vpc.subnets.length === 0 ? 'SDRS.1908 Drill VPC not have a subnet.' : missing.length ? `SDRS.1909 Drill VPC not have the CIDR block ${missing.join(', ')}.` : undefined;
	const at = stamp(sim.now());
	const id = uuidFrom(`drill:${g.id}:${randomBytes(8).toString('hex')}`);
	const { dr } = sites(g);
	const instances = sim.data.instances.filter((i) => i.groupId === g.id);
	const d: SimDrill = { id, projectId, groupId: g.id, name, status: 'creating', drill_vpc_id: vpc.id, drill_servers: [], created_at: at, updated_at: at };
	// One drill server per protected instance, from the DR-site server's disks, in the DR AZ.
	for (const i of instances) {
		const source = sim.data.servers.find((s) => (s.id === i.sourceServer || s.id === i.targetServer) && s.az === dr);
		const serverId = uuidFrom(`drill-server:${id}:${i.id}`);
		sim.data.servers.push({ id: serverId, name: `${name}-${source?.name ?? i.name}`, status: 'ACTIVE', az: dr, projectId });
		d.drill_servers.push({ protected_instance: i.id, drill_server_id: serverId });
	}
	sim.data.drills.push(d);
	g.disaster_recovery_drill_num = sim.data.drills.filter((x) => x.groupId === g.id).length;
	g.last_drill_at = sim.now();
	return startJob(sim, g, d, 'createDisasterRecoveryDrill', failDetail);
}

function deleteDrill(sim: SimState, d: SimDrill): unknown {
	if (!DRILL_DELETABLE.has(d.status)) {
		throw refuse('SDRS.1913', 'DR drill deletion not allowed in the current state.');
	}
	const g = sim.data.groups.find((x) => x.id === d.groupId);
	if (!g) {
		throw sdrsError(400, 'SDRS.1013', 'Protection group not found.');
	}
	d.status = 'deleting';
	d.updated_at = stamp(sim.now());
	return startJob(sim, g, d, 'deleteDisasterRecoveryDrill', d.failDelete ? 'the drill server could not be deleted (simulated).' : undefined);
}
