// The shapes the extension works with, and lenient normalisation of what the services send:
// wrong types, nulls and unknown values become safe defaults instead of crashes.
import { clean } from './errors';

export interface Project {
	id: string;
	/** The IAM project name: a region ID for system projects, user-chosen for sub-projects. */
	name: string;
	/** The region the project lives in (a sub-project's parent region). */
	region: string;
	isSubProject: boolean;
	/** The account (domain) the project belongs to, when IAM said. */
	domainId?: string;
}

export interface ProtectionGroup {
	id: string;
	name: string;
	description: string;
	/** Any string the service sends; unknown values are kept as they are. */
	status: string;
	/** Synchronisation progress, 0 to 100, or undefined when not reported. */
	progress?: number;
	sourceAz: string;
	targetAz: string;
	/** Which AZ is production now: `source` or `target` (anything else is kept as sent). */
	priorityStation: string;
	replicationNum: number;
	protectedInstanceNum: number;
	drDrillNum: number;
	createdAt?: string;
	updatedAt?: string;
	/** `source_vpc_id` / `target_vpc_id`: the group's VPCs (a drill VPC must differ from them). */
	sourceVpcId?: string;
	targetVpcId?: string;
}

export interface ProtectedInstance {
	id: string;
	name: string;
	status: string;
	sourceServer: string;
	targetServer: string;
	priorityStation: string;
	progress?: number;
}

export interface Replication {
	id: string;
	name: string;
	status: string;
	/** Production disk first, DR disk second (as Terraform reads `volume_ids`). */
	volumeIds: string[];
	progress?: number;
	/** active | inactive | copying | active-stopped; kept open. */
	replicationStatus: string;
	/** 0 none, 2 production disk failing (failover recommended), 5 replication link broken. */
	faultLevel?: number;
	volumeSizeGb?: number;
}

export interface Drill {
	id: string;
	name: string;
	status: string;
	drillVpcId: string;
	createdAt?: string;
	/** `drill_servers`: a drill server per protected instance (documented on the single drill; may be missing in lists). */
	drillServers?: { protectedInstance: string; drillServerId: string }[];
}

/** A VPC of the VPC service's v1 list. */
export interface Vpc {
	id: string;
	name: string;
	cidr: string;
	status: string;
}

export interface Server {
	id: string;
	name: string;
	status: string;
	availabilityZone: string;
}

/** `INIT`, `RUNNING`, `SUCCESS` or `FAIL`; kept open, since the service may add others. */
export type JobStatus = string;

export interface Job {
	jobId: string;
	status: JobStatus;
	jobType: string;
	beginTime?: string;
	endTime?: string;
	errorCode?: string;
	failReason?: string;
	serverGroupId?: string;
	/** `entities.disaster_recovery_drill_id`: the drill a drill job created or deletes. */
	drillId?: string;
	subJobs: Job[];
}

type Obj = Record<string, unknown>;

export function isObject(v: unknown): v is Obj {
	return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function str(v: unknown, max = 300): string {
	return typeof v === 'string' ? (clean(v, max) ?? '') : typeof v === 'number' && Number.isFinite(v) ? String(v) : '';
}

function optStr(v: unknown): string | undefined {
	const s = str(v);
	return s === '' ? undefined : s;
}

/** A non-negative integer, or 0 for anything else (negative, NaN, strings that are not numbers). */
export function count(v: unknown): number {
	const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
	return Number.isFinite(n) && n > 0 ? Math.min(Math.floor(n), Number.MAX_SAFE_INTEGER) : 0;
}

function percent(v: unknown): number | undefined {
	if (v === null || v === undefined || v === '') {
		return undefined;
	}
	const n = typeof v === 'number' ? v : Number(v);
	return Number.isFinite(n) ? Math.max(0, Math.min(100, Math.round(n))) : undefined;
}

/** A list field: an array of objects, or empty for null/missing/wrong types. Non-objects are dropped. */
export function list(v: unknown): Obj[] {
	return Array.isArray(v) ? v.filter(isObject) : [];
}

export function toGroup(o: Obj): ProtectionGroup | undefined {
	const id = str(o.id, 128);
	if (id === '') {
		return undefined;
	}
	return {
		id,
		name: str(o.name, 255) || id,
		description: str(o.description, 1000),
		status: str(o.status, 64) || 'unknown',
		progress: percent(o.progress),
		sourceAz: str(o.source_availability_zone, 128),
		targetAz: str(o.target_availability_zone, 128),
		priorityStation: str(o.priority_station, 32),
		replicationNum: count(o.replication_num),
		protectedInstanceNum: count(o.protected_instance_num),
		drDrillNum: count(o.disaster_recovery_drill_num),
		createdAt: optStr(o.created_at),
		updatedAt: optStr(o.updated_at),
		...vpcIds(o),
	};
}

function vpcIds(o: Obj): Pick<ProtectionGroup, 'sourceVpcId' | 'targetVpcId'> {
	const out: Pick<ProtectionGroup, 'sourceVpcId' | 'targetVpcId'> = {};
	const source = str(o.source_vpc_id, 128);
	const target = str(o.target_vpc_id, 128);
	if (source) {
		out.sourceVpcId = source;
	}
	if (target) {
		out.targetVpcId = target;
	}
	return out;
}

export function toInstance(o: Obj): ProtectedInstance | undefined {
	const id = str(o.id, 128);
	return id === ''
		? undefined
		: {
				id,
				name: str(o.name, 255) || id,
				status: str(o.status, 64),
				sourceServer: str(o.source_server, 128),
				targetServer: str(o.target_server, 128),
				priorityStation: str(o.priority_station, 32),
				progress: percent(o.progress),
			};
}

export function toReplication(o: Obj): Replication | undefined {
	const id = str(o.id, 128);
	if (id === '') {
		return undefined;
	}
	const meta = isObject(o.record_metadata) ? o.record_metadata : {};
	const fault = Number(o.fault_level);
	const size = Number(meta.volume_size);
	return {
		id,
		name: str(o.name, 255) || id,
		status: str(o.status, 64),
		volumeIds: str(o.volume_ids, 300)
			.split(',')
			.map((v) => v.trim())
			.filter(Boolean)
			.slice(0, 2),
		progress: percent(o.progress),
		replicationStatus: str(o.replication_status, 32),
		faultLevel: Number.isInteger(fault) && fault >= 0 && fault < 100 ? fault : undefined,
		volumeSizeGb: Number.isFinite(size) && size > 0 && size < 1e7 ? size : undefined,
	};
}

export function toDrill(o: Obj): Drill | undefined {
	const id = str(o.id, 128);
	if (id === '') {
		return undefined;
	}
	const drill: Drill = { id, name: str(o.name, 255) || id, status: str(o.status, 64), drillVpcId: str(o.drill_vpc_id, 128), createdAt: str(o.created_at, 64) || undefined };
	if (Array.isArray(o.drill_servers)) {
		drill.drillServers = list(o.drill_servers)
			.slice(0, 1000)
			.map((s) => ({ protectedInstance: str(s.protected_instance, 128), drillServerId: str(s.drill_server_id, 128) }))
			.filter((s) => s.drillServerId !== '');
	}
	return drill;
}

export function toVpc(o: Obj): Vpc | undefined {
	const id = str(o.id, 128);
	return id === '' ? undefined : { id, name: str(o.name, 255) || id, cidr: str(o.cidr, 64), status: str(o.status, 32) };
}

export function toServer(o: Obj): Server | undefined {
	const id = str(o.id, 128);
	return id === '' ? undefined : { id, name: str(o.name, 255) || id, status: str(o.status, 64).toUpperCase(), availabilityZone: str(o['OS-EXT-AZ:availability_zone'], 128) };
}

/** How deep sub-jobs are read (a job's sub-jobs are one level), and how many in all. */
export const MAX_SUB_JOB_DEPTH = 8;
export const MAX_SUB_JOBS = 1000;

function jobFields(o: Obj, fallbackId: string): Job {
	const entities = isObject(o.entities) ? o.entities : {};
	return {
		jobId: str(o.job_id, 128) || fallbackId,
		status: str(o.status, 32).toUpperCase() || 'UNKNOWN',
		jobType: str(o.job_type, 128),
		beginTime: optStr(o.begin_time),
		endTime: optStr(o.end_time),
		errorCode: optStr(o.error_code),
		failReason: optStr(o.fail_reason),
		serverGroupId: optStr(entities.server_group_id),
		...(optStr(entities.disaster_recovery_drill_id) ? { drillId: str(entities.disaster_recovery_drill_id, 128) } : {}),
		subJobs: [],
	};
}

/**
 * A job and its sub-jobs, read level by level without recursion: an answer nested thousands of
 * levels deep cannot exhaust the stack, and what is kept is bounded (MAX_SUB_JOB_DEPTH levels,
 * 200 sub-jobs a job, MAX_SUB_JOBS in all), so nothing later walks or stores a huge tree.
 */
export function toJob(o: Obj, fallbackId = ''): Job {
	const root = jobFields(o, fallbackId);
	let level: { raw: Obj; job: Job }[] = [{ raw: o, job: root }];
	let budget = MAX_SUB_JOBS;
	for (let depth = 1; depth <= MAX_SUB_JOB_DEPTH && level.length && budget > 0; depth++) {
		const next: typeof level = [];
		for (const { raw, job } of level) {
			const entities = isObject(raw.entities) ? raw.entities : {};
			for (const child of list(entities.sub_jobs).slice(0, Math.min(200, budget))) {
				const sub = jobFields(child, '');
				job.subJobs.push(sub);
				next.push({ raw: child, job: sub });
				budget--;
			}
		}
		level = next;
	}
	return root;
}

/** Parses `created_at`/`updated_at` in either documented form, as UTC. */
export function parseTimestamp(value: string | undefined): Date | undefined {
	if (!value) {
		return undefined;
	}
	let s = value.trim().replace(' ', 'T');
	if (!/[zZ]|[+-]\d{2}:?\d{2}$/.test(s)) {
		s += 'Z';
	}
	const d = new Date(s);
	return Number.isNaN(d.getTime()) ? undefined : d;
}
