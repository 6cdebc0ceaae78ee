// Typed calls to IAM, SDRS and ECS. Every request goes through HttpPipeline (signing, retries,
// timeouts); this file only builds URLs and parses bodies leniently (see model.ts).
import { SdrsError } from './errors';
import { endpointFor, type EndpointOverrides, type Service } from './endpoints';
import type { HttpPipeline } from './http';
import { readAllPages, type Page } from './paging';
import {
	isObject,
	list,
	str,
	toGroup,
	toInstance,
	toJob,
	toReplication,
	toServer,
	toDrill,
	type Drill,
	type Job,
	type Project,
	type ProtectedInstance,
	type ProtectionGroup,
	type Replication,
	type Server,
} from './model';
import { buildUrl, encodePath as p } from './signer';

export interface GroupFilter {
	status?: string;
	name?: string;
	queryType?: 'status_abnormal' | 'stop_protected' | 'period_no_dr_drill' | 'general';
	availabilityZone?: string;
}

type Query = Record<string, string | number | undefined>;

function parseJson(body: string): Record<string, unknown> {
	if (body.trim() === '') {
		throw new Error('the body is empty');
	}
	let value: unknown;
	try {
		value = JSON.parse(body);
	} catch {
		throw new Error('the body is not valid JSON');
	}
	if (!isObject(value)) {
		throw new Error('the body is not a JSON object');
	}
	return value;
}

/** Page size for listings: the documented maximum, so 10,000 groups take 10 requests. */
export const PAGE_SIZE = 1000;

export class SdrsClient {
	/** The IAM projects route that answered (see listProjects). */
	private projectsRoute?: 'auth' | 'projects';

	constructor(
		private readonly http: HttpPipeline,
		private readonly endpoints: EndpointOverrides = {},
		/** Region used for the global IAM call when an override template needs one. */
		private readonly homeRegion = 'cn-north-4',
	) {}

	private base(service: Service, region: string): string {
		return endpointFor(service, region, this.endpoints);
	}

	private async get(
		service: Service,
		region: string,
		path: string,
		query: Query | undefined,
		projectId: string | undefined,
		signal?: AbortSignal,
	): Promise<Record<string, unknown>> {
		const headers: Record<string, string> = { 'Content-Type': 'application/json' };
		if (projectId) {
			headers['X-Project-Id'] = projectId;
		}
		const res = await this.http.send({ method: 'GET', url: buildUrl(this.base(service, region), path, query), headers, idempotent: true, signal }, parseJson);
		return res.data;
	}

	/**
	 * Projects the credentials can use, as region projects and their sub-projects; `MOS` (OBS's
	 * built-in project) and disabled projects are skipped. Tries `/v3/auth/projects`, then
	 * `/v3/projects` (the SDKs' AK/SK route) when the first is refused.
	 */
	async listProjects(signal?: AbortSignal): Promise<Project[]> {
		// AK/SK support on /v3/auth/projects is unconfirmed (sdrs-api.md); the route that answered
		// is remembered for this client (one per profile), so later loads make one call.
		let body: Record<string, unknown> | undefined;
		if (this.projectsRoute !== 'projects') {
			try {
				body = await this.get('iam', this.homeRegion, p('v3', 'auth', 'projects'), undefined, undefined, signal);
				this.projectsRoute = 'auth';
			} catch (e) {
				if (this.projectsRoute === 'auth' || !(e instanceof SdrsError) || e.kind !== 'http' || ![401, 403, 404].includes(e.status ?? 0)) {
					throw e;
				}
			}
		}
		if (!body) {
			body = await this.get('iam', this.homeRegion, p('v3', 'projects'), undefined, undefined, signal);
			this.projectsRoute = 'projects';
		}
		const raw = list(body.projects).filter((p) => p.enabled !== false && str(p.name) !== 'MOS' && str(p.id) !== '');
		const byId = new Map(raw.map((p) => [str(p.id), p]));
		const projects: Project[] = raw.map((p) => {
			const parent = byId.get(str(p.parent_id));
			// A sub-project's parent is another project (not the account); its region is the parent's
			// name, or, when the parent is not listed, the part of its own name before "_".
			const isSub = str(p.parent_id) !== '' && str(p.parent_id) !== str(p.domain_id) && (parent !== undefined || str(p.name).includes('_'));
			return {
				id: str(p.id, 128),
				name: str(p.name, 128),
				region: isSub ? (parent ? str(parent.name, 64) : str(p.name, 64).split('_')[0]) : str(p.name, 64),
				isSubProject: isSub,
				domainId: str(p.domain_id, 128) || undefined,
			};
		});
		return projects.sort((a, b) => a.region.localeCompare(b.region) || Number(a.isSubProject) - Number(b.isSubProject) || a.name.localeCompare(b.name));
	}

	/**
	 * Every protection group of a project matching the filter, all pages (readAllPages: pages
	 * planned from `count` read at once, then on until a short page or one with no new id, capped;
	 * one entry per id). `count` plans pages but never ends the list (it is not trusted, §1.1).
	 */
	listGroups(project: Project, filter: GroupFilter = {}, signal?: AbortSignal): Promise<ProtectionGroup[]> {
		const q: Query = { status: filter.status, name: filter.name, query_type: filter.queryType, availability_zone: filter.availabilityZone };
		return this.listAll(project, 'server-groups', 'server_groups', q, toGroup, signal);
	}

	async getGroup(project: Project, groupId: string, signal?: AbortSignal): Promise<ProtectionGroup> {
		const body = await this.get('sdrs', project.region, p('v1', project.id, 'server-groups', groupId), undefined, project.id, signal);
		const group = isObject(body.server_group) ? toGroup(body.server_group) : undefined;
		if (!group) {
			throw new SdrsError('The service returned a protection group without an id', 'parse');
		}
		return group;
	}

	/**
	 * Enable Protection / Enable Protection Again (the service picks which from the group's
	 * status). Sent exactly once, never retried: a lost answer must be reconciled by reading
	 * the group, not by posting again. Returns the job id.
	 */
	startProtectionGroup(project: Project, groupId: string, signal?: AbortSignal): Promise<{ jobId: string; requestId?: string }> {
		return this.groupAction(project, groupId, { 'start-server-group': {} }, signal);
	}

	/** POSTs one action body (ACTIONS[kind].body) to the group's `/action`, once (never retried). */
	async groupAction(project: Project, groupId: string, body: Record<string, unknown>, signal?: AbortSignal): Promise<{ jobId: string; requestId?: string }> {
		const res = await this.http.send(
			{
				method: 'POST',
				url: buildUrl(this.base('sdrs', project.region), p('v1', project.id, 'server-groups', groupId, 'action')),
				headers: { 'Content-Type': 'application/json;charset=UTF-8', 'X-Project-Id': project.id },
				body: JSON.stringify(body),
				idempotent: false,
				signal,
			},
			(body) => {
				const jobId = str(parseJson(body).job_id, 128);
				if (!jobId) {
					throw new Error('the answer has no job_id');
				}
				return jobId;
			},
		);
		return { jobId: res.data, requestId: res.requestId };
	}

	async getJob(project: Pick<Project, 'id' | 'region'>, jobId: string, signal?: AbortSignal): Promise<Job> {
		const body = await this.get('sdrs', project.region, p('v1', project.id, 'jobs', jobId), undefined, project.id, signal);
		return toJob(body, jobId);
	}

	/** Every item of a paged SDRS list, read by the one paging helper (paging.ts). */
	private listAll<T extends { id: string }>(project: Project, resource: string, key: string, query: Query, map: (o: Record<string, unknown>) => T | undefined, signal?: AbortSignal): Promise<T[]> {
		const path = p('v1', project.id, resource);
		return readAllPages(
			async (offset): Promise<Page<T>> => {
				const body = await this.get('sdrs', project.region, path, { ...query, limit: PAGE_SIZE, offset }, project.id, signal);
				const items = list(body[key]);
				const count = Number(body.count);
				return { items: items.map(map).filter((x): x is T => x !== undefined), size: items.length, count: Number.isSafeInteger(count) && count >= 0 ? count : undefined };
			},
			{ pageSize: PAGE_SIZE, signal },
		);
	}

	listProtectedInstances(project: Project, groupId: string, signal?: AbortSignal): Promise<ProtectedInstance[]> {
		return this.listAll(project, 'protected-instances', 'protected_instances', { server_group_id: groupId }, toInstance, signal);
	}

	listReplications(project: Project, groupId: string, signal?: AbortSignal): Promise<Replication[]> {
		return this.listAll(project, 'replications', 'replications', { server_group_id: groupId }, toReplication, signal);
	}

	listDrills(project: Project, groupId: string, signal?: AbortSignal): Promise<Drill[]> {
		return this.listAll(project, 'disaster-recovery-drills', 'disaster_recovery_drills', { server_group_id: groupId }, toDrill, signal);
	}

	/** ECS details of the given servers, 100 ids a request. */
	async listServers(project: Project, ids: readonly string[], signal?: AbortSignal): Promise<Server[]> {
		const out: Server[] = [];
		for (let i = 0; i < ids.length; i += 100) {
			const chunk = ids.slice(i, i + 100);
			const body = await this.get('ecs', project.region, p('v1', project.id, 'cloudservers', 'detail'), { server_id: chunk.join(','), limit: 100 }, project.id, signal);
			// Only the servers asked for, whatever else the answer holds.
			const asked = new Set(chunk);
			out.push(...list(body.servers).map(toServer).filter((s): s is Server => s !== undefined && asked.has(s.id)));
		}
		return out;
	}
}
