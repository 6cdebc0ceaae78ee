// Typed calls to IAM, SDRS and ECS. Every request goes through HttpPipeline (signing, retries,
// timeouts); this file only builds URLs and parses bodies leniently (see model.ts).
import { SdrsError } from './errors';
import { endpointFor, type EndpointOverrides, type Service } from './endpoints';
import type { HttpPipeline } from './http';
import {
	isObject,
	list,
	str,
	toGroup,
	toInstance,
	toJob,
	toReplication,
	toServer,
	type Job,
	type Project,
	type ProtectedInstance,
	type ProtectionGroup,
	type Replication,
	type Server,
} from './model';
import { buildUrl, pathOf as p } from './signer';

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

const MIN_SPLIT_PAGE = 100;

export interface PageRequest {
	offset: number;
	limit: number;
}

/**
 * The pages that list `expected` items from `offset`, all to be sent at once. The last page asks
 * for a full PAGE_SIZE and should come back short, which ends the list without a trailing empty
 * page; so there are floor(expected / PAGE_SIZE) + 1 pages. When `slots` requests can run at
 * once and the list is long, the pages are cut finer to fill the last round of requests (down to
 * pages of 100): the same number of round trips, but smaller answers that are parsed while the
 * next ones arrive. Pages never overlap; a list that grew or shrank is still read correctly,
 * because paging goes on after a full last page and stops at the first short one.
 */
export function planPages(offset: number, expected: number, slots: number): PageRequest[] {
	const needed = Math.floor(Math.max(0, expected) / PAGE_SIZE) + 1;
	// Cut finer only down to pages of MIN_SPLIT_PAGE: smaller ones cost more in requests than they save.
	const n = expected >= PAGE_SIZE && slots > 1 ? Math.max(needed, Math.min(Math.ceil(needed / slots) * slots, Math.floor(expected / MIN_SPLIT_PAGE))) : needed;
	const size = Math.max(1, Math.ceil(expected / n));
	const pages: PageRequest[] = [];
	for (let i = 0; i < n - 1; i++) {
		pages.push({ offset: offset + i * size, limit: size });
	}
	pages.push({ offset: offset + (n - 1) * size, limit: PAGE_SIZE });
	return pages;
}

export class SdrsClient {
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
		let body: Record<string, unknown>;
		try {
			body = await this.get('iam', this.homeRegion, p('v3', 'auth', 'projects'), undefined, undefined, signal);
		} catch (e) {
			if (!(e instanceof SdrsError) || e.kind !== 'http' || ![401, 403, 404].includes(e.status ?? 0)) {
				throw e;
			}
			body = await this.get('iam', this.homeRegion, p('v3', 'projects'), undefined, undefined, signal);
		}
		const raw = list(body.projects).filter((p) => p.enabled !== false && str(p.name) !== 'MOS' && str(p.id) !== '');
		const byId = new Map(raw.map((p) => [str(p.id), p]));
		const projects: Project[] = raw.map((p) => {
			const parent = byId.get(str(p.parent_id));
			const isSub = parent !== undefined && str(p.parent_id) !== str(p.domain_id);
			return {
				id: str(p.id, 128),
				name: str(p.name, 128),
				region: isSub ? str(parent.name, 64) : str(p.name, 64),
				isSubProject: isSub,
				domainId: str(p.domain_id, 128) || undefined,
			};
		});
		return projects.sort((a, b) => a.region.localeCompare(b.region) || Number(a.isSubProject) - Number(b.isSubProject) || a.name.localeCompare(b.name));
	}

	/**
	 * Every protection group of a project matching the filter, all pages. Pages by offset/limit
	 * and stops at the first short page (`count` is not trusted to be the total, §1.1); when
	 * `count` does promise more, or an earlier listing showed how many there were, the pages are
	 * fetched in parallel.
	 */
	/** How many groups each listing returned last time: a refresh then asks for every page at once. */
	private readonly sizeHints = new Map<string, number>();

	async listGroups(project: Project, filter: GroupFilter = {}, signal?: AbortSignal): Promise<ProtectionGroup[]> {
		const q: Query = { status: filter.status, name: filter.name, query_type: filter.queryType, availability_zone: filter.availabilityZone };
		const path = p('v1', project.id, 'server-groups');
		const page = async ({ offset, limit }: PageRequest): Promise<{ groups: ProtectionGroup[]; raw: number; limit: number; count: number }> => {
			const body = await this.get('sdrs', project.region, path, { ...q, limit, offset }, project.id, signal);
			const items = list(body.server_groups);
			return { groups: items.map(toGroup).filter((g): g is ProtectionGroup => g !== undefined), raw: items.length, limit, count: Number(body.count) };
		};
		const all: ProtectionGroup[] = [];
		let offset = 0;
		let more = true; // the last page read was full: there may be more
		const take = (pages: { groups: ProtectionGroup[]; raw: number; limit: number }[]): void => {
			for (const p of pages) {
				all.push(...p.groups);
				offset += p.raw;
				more = p.raw >= p.limit;
				if (!more) {
					break; // the list ended (or shrank); later pages are not used
				}
			}
		};
		const fetchAll = async (pages: PageRequest[]): Promise<void> => take(await Promise.all(pages.map(page)));
		const hintKey = `${project.region}/${project.id}?${JSON.stringify(q)}`;
		const hint = this.sizeHints.get(hintKey);
		const slots = (): number => (this.http.isIdle(this.base('sdrs', project.region)) ? this.http.concurrency : 1);
		if (hint !== undefined && hint >= PAGE_SIZE) {
			// Listed before: ask for every page we expect at once (the last one should be short).
			await fetchAll(planPages(0, hint, slots()));
		} else {
			const first = await page({ offset: 0, limit: PAGE_SIZE });
			take([first]);
			// `count` is taken as the total only to plan the next pages; the end of the list is
			// still a short page (it may be the size of this page on some deployments).
			if (more && Number.isInteger(first.count) && first.count > offset) {
				await fetchAll(planPages(offset, first.count - offset, slots()));
			}
		}
		while (more) {
			take([await page({ offset, limit: PAGE_SIZE })]);
		}
		this.sizeHints.set(hintKey, offset);
		// Pages fetched while the list changed can overlap; keep one entry per id.
		const seen = new Set<string>();
		return all.filter((g) => !seen.has(g.id) && (seen.add(g.id), true));
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
	async startProtectionGroup(project: Project, groupId: string, signal?: AbortSignal): Promise<{ jobId: string; requestId?: string }> {
		const res = await this.http.send(
			{
				method: 'POST',
				url: buildUrl(this.base('sdrs', project.region), p('v1', project.id, 'server-groups', groupId, 'action')),
				headers: { 'Content-Type': 'application/json;charset=UTF-8', 'X-Project-Id': project.id },
				body: JSON.stringify({ 'start-server-group': {} }),
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

	async listProtectedInstances(project: Project, groupId: string, signal?: AbortSignal): Promise<ProtectedInstance[]> {
		const body = await this.get('sdrs', project.region, p('v1', project.id, 'protected-instances'), { server_group_id: groupId, limit: PAGE_SIZE }, project.id, signal);
		return list(body.protected_instances)
			.map(toInstance)
			.filter((i): i is ProtectedInstance => i !== undefined);
	}

	async listReplications(project: Project, groupId: string, signal?: AbortSignal): Promise<Replication[]> {
		const body = await this.get('sdrs', project.region, p('v1', project.id, 'replications'), { server_group_id: groupId, limit: PAGE_SIZE }, project.id, signal);
		return list(body.replications)
			.map(toReplication)
			.filter((r): r is Replication => r !== undefined);
	}

	/** ECS details of the given servers, 100 ids a request. */
	async listServers(project: Project, ids: readonly string[], signal?: AbortSignal): Promise<Server[]> {
		const out: Server[] = [];
		for (let i = 0; i < ids.length; i += 100) {
			const chunk = ids.slice(i, i + 100);
			const body = await this.get('ecs', project.region, p('v1', project.id, 'cloudservers', 'detail'), { server_id: chunk.join(','), limit: 100 }, project.id, signal);
			out.push(...list(body.servers).map(toServer).filter((s): s is Server => s !== undefined));
		}
		return out;
	}
}
