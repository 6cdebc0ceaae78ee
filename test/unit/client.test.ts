import * as assert from 'node:assert/strict';
import { SdrsError } from '../../src/core/errors';
import { checkEndpoint, endpointFor, isPublicEndpointHost } from '../../src/core/endpoints';
import { HttpPipeline } from '../../src/core/http';
import { SdrsClient } from '../../src/core/client';
import { projectIdFor } from '../../src/simulator/seed';
import { DEMO_CREDENTIALS } from '../../src/simulator/simulator';
import { rejects, rig, type Rig } from '../support/sim';

describe('SdrsClient against the simulator', () => {
	let r: Rig;
	beforeEach(async () => {
		r = await rig();
	});
	afterEach(async () => {
		await r.sim.stop();
	});

	it('lists projects: skips MOS, maps the sub-project to its region', async () => {
		const projects = await r.client.listProjects();
		assert.ok(!projects.some((p) => p.name === 'MOS'));
		const sub = projects.find((p) => p.name === 'cn-north-4_dev');
		assert.deepEqual(sub && { region: sub.region, isSubProject: sub.isSubProject }, { region: 'cn-north-4', isSubProject: true });
		assert.deepEqual(
			projects.filter((p) => !p.isSubProject).map((p) => p.region),
			['ap-southeast-3', 'cn-east-3', 'cn-north-4', 'cn-south-1', 'la-south-2'],
		);
	});

	it('falls back to /v3/projects when /v3/auth/projects is refused, and remembers the route that answered', async () => {
		r.sim.configure({ faults: [{ match: '^GET /v3/auth/projects$', kind: 'respond', status: 403, rate: 1, body: '{"error_code":"IAM.0002","error_msg":"forbidden"}' }] });
		const projects = await r.client.listProjects();
		assert.ok(projects.length >= 5);
		assert.equal(r.sim.stats.byRoute['GET /v3/projects'], 1);
		await r.client.listProjects();
		assert.equal(r.sim.stats.byRoute['GET /v3/auth/projects'], 1, 'not tried again');
		assert.equal(r.sim.stats.byRoute['GET /v3/projects'], 2);
	});

	it('derives a sub-project’s region from its name when its parent is not listed', async () => {
		const parent = r.sim.projects().find((p) => p.name === 'cn-north-4')!;
		r.sim.configure({
			faults: [
				{
					match: '^GET /v3/auth/projects$',
					kind: 'respond',
					status: 200,
					count: 1,
					body: JSON.stringify({ projects: [{ id: 'a'.repeat(32), name: 'cn-north-4_dev', domain_id: parent.domain_id, parent_id: parent.id, enabled: true }] }),
				},
			],
		});
		const [sub] = await r.client.listProjects();
		assert.equal(sub.region, 'cn-north-4');
		assert.equal(sub.isSubProject, true);
	});

	it('keeps only the ECS servers asked for, whatever else the answer holds', async () => {
		const g = r.sim.findGroup('inventory-api');
		const ids = r.sim.serversOf(g.id).map((s) => s.id);
		const servers = await r.client.listServers(r.project, ids.slice(0, 1));
		assert.deepEqual(
			servers.map((s) => s.id),
			ids.slice(0, 1),
		);
		r.sim.configure({
			faults: [
				{
					match: 'cloudservers',
					kind: 'respond',
					status: 200,
					count: 1,
					body: JSON.stringify({
						servers: [
							{ id: 'other', name: 'x', status: 'SHUTOFF', 'OS-EXT-AZ:availability_zone': 'cn-north-4a' },
							{ id: ids[0], name: 'y', status: 'ACTIVE', 'OS-EXT-AZ:availability_zone': 'cn-north-4a' },
						],
					}),
				},
			],
		});
		const filtered = await r.client.listServers(r.project, [ids[0]]);
		assert.deepEqual(
			filtered.map((s) => s.id),
			[ids[0]],
		);
	});

	it('pages through 2,500 groups to the end: one page, then the rest at once, contiguous and without a trailing empty page', async () => {
		r.sim.bulkAddGroups(r.project.id, 2500);
		const groups = await r.client.listGroups(r.project);
		const seeded = r.sim.groups(r.project.id).length;
		assert.equal(groups.length, seeded);
		assert.equal(new Set(groups.map((g) => g.id)).size, seeded);
		const pages = r.sim.stats.listQueries.map((q) => new URLSearchParams(q)).map((q) => ({ offset: Number(q.get('offset')), limit: Number(q.get('limit')) }));
		pages.sort((a, b) => a.offset - b.offset);
		assert.deepEqual(pages[0], { offset: 0, limit: 1000 });
		for (let i = 1; i < pages.length; i++) {
			assert.equal(pages[i].offset, pages[i - 1].offset + pages[i - 1].limit, 'pages are contiguous');
		}
		assert.equal(pages[pages.length - 1].limit, 1000, 'the last page asks for a full page and comes back short');
		assert.ok(pages[pages.length - 1].offset < seeded, 'no page starts past the end');
		assert.ok(pages.length <= 5, `${pages.length} requests`);
	});

	it('a refresh still reads a list that grew or shrank since', async () => {
		r.sim.bulkAddGroups(r.project.id, 2500);
		assert.equal((await r.client.listGroups(r.project)).length, r.sim.groups(r.project.id).length);
		// Grew by 1,700: the pages are planned from the new count, and paging goes on to the end.
		r.sim.bulkAddGroups(r.project.id, 1700);
		const grown = await r.client.listGroups(r.project);
		assert.equal(grown.length, r.sim.groups(r.project.id).length);
		assert.equal(new Set(grown.map((g) => g.id)).size, grown.length);
		// Shrank to 300: the first page comes back short and ends the list.
		const other = r.sim.addProject('cn-north-4');
		for (const g of r.sim.groups(r.project.id).slice(300)) {
			r.sim.patchGroup(g.id, { projectId: other });
		}
		const shrunk = await r.client.listGroups(r.project);
		assert.deepEqual(
			shrunk.map((g) => g.id),
			r.sim.groups(r.project.id).map((g) => g.id),
		);
	});

	it('keeps paging when count is not the total (stops at the first short page)', async () => {
		r.sim.bulkAddGroups(r.project.id, 1500);
		const total = r.sim.groups(r.project.id).length;
		// count is the size of the page, not the total: the client must not stop early.
		r.sim.configure({ countMode: 'page' });
		const groups = await r.client.listGroups(r.project);
		assert.equal(groups.length, total);
		assert.equal(r.sim.stats.listQueries.length, 2);
	});

	it('a server that ignores offset (or offset and limit) costs a bounded number of requests, and the list is its distinct groups', async () => {
		r.sim.bulkAddGroups(r.project.id, 2500);
		r.sim.configure({ latencyMs: 5 }); // a hung client fails by the signal below, not by running out of memory
		const all = r.sim.groups(r.project.id);
		const groupRequests = (): number => r.sim.stats.listQueries.length;
		// Every page is the first page: the second brings no new id and ends the list.
		r.sim.configure({ paging: 'ignoreOffset' });
		const first = await r.client.listGroups(r.project, {}, AbortSignal.timeout(5000));
		assert.deepEqual(
			first.map((g) => g.id),
			all.slice(0, 1000).map((g) => g.id),
		);
		assert.ok(groupRequests() <= 4, `${groupRequests()} requests`);
		// Every page is the whole list: read once, kept once.
		const before = groupRequests();
		r.sim.configure({ paging: 'ignoreOffsetAndLimit' });
		const whole = await r.client.listGroups(r.project, {}, AbortSignal.timeout(5000));
		assert.deepEqual(
			whole.map((g) => g.id),
			all.map((g) => g.id),
		);
		assert.ok(groupRequests() - before <= 4, `${groupRequests() - before} requests`);
	});

	it('protected instances, replication pairs and drills page through the same helper: bounded, deduplicated', async () => {
		const g = r.sim.findGroup('erp-prod');
		r.sim.patchGroup(g.id, { replication_num: 1500 });
		const at = new Date().toISOString();
		const seeded = r.sim.data.drills.filter((d) => d.groupId === g.id).length;
		for (let n = seeded; n < 1500; n++) {
			r.sim.data.drills.push({
				id: `drill-${String(n).padStart(5, '0')}`,
				projectId: g.projectId,
				groupId: g.id,
				name: `d${n}`,
				status: 'available',
				drill_vpc_id: 'vpc',
				drill_servers: [],
				created_at: at,
				updated_at: at,
			});
		}
		const calls = (route: string): number => r.sim.stats.byRoute[`GET /v1/{id}/${route}`] ?? 0;
		r.sim.configure({ paging: 'ignoreOffset' });
		const pairs = await r.client.listReplications(r.project, g.id, AbortSignal.timeout(5000));
		assert.equal(pairs.length, 1000);
		assert.equal(new Set(pairs.map((p) => p.id)).size, 1000);
		assert.ok(calls('replications') <= 2, `${calls('replications')} requests`);
		r.sim.configure({ paging: 'ignoreOffsetAndLimit' });
		const drills = await r.client.listDrills(r.project, g.id, AbortSignal.timeout(5000));
		assert.equal(drills.length, 1500);
		assert.equal(new Set(drills.map((d) => d.id)).size, 1500);
		assert.ok(calls('disaster-recovery-drills') <= 2, `${calls('disaster-recovery-drills')} requests`);
		const instances = await r.client.listProtectedInstances(r.project, g.id);
		assert.equal(new Set(instances.map((i) => i.id)).size, instances.length);
	});

	it('the admin API sets the paging mode, and refuses an unknown one', async () => {
		const call = (body: unknown): Promise<Response> => fetch(`${r.sim.url}/__admin/config`, { method: 'POST', headers: { 'X-Admin-Token': r.sim.adminToken }, body: JSON.stringify(body) });
		assert.equal((await call({ paging: 'sometimes' })).status, 400);
		assert.equal((await call({ paging: 'ignoreOffset' })).status, 200);
		assert.equal(r.sim.options.paging, 'ignoreOffset');
	});

	it('lists a group’s protected instances, replication pairs and DR drills, filtered by group and paged to the end', async () => {
		const g = r.sim.findGroup('erp-prod');
		const [instances, pairs, drills] = await Promise.all([r.client.listProtectedInstances(r.project, g.id), r.client.listReplications(r.project, g.id), r.client.listDrills(r.project, g.id)]);
		assert.ok(instances.length > 0 && instances.length === r.sim.serversOf(g.id).length / 2);
		assert.ok(
			instances.every((i) => i.progress === g.progress),
			'each instance’s progress, a field of the official model',
		);
		assert.equal(pairs.length, g.replication_num);
		assert.equal(drills.length, 2);
		assert.ok(pairs.every((p) => p.volumeIds.length === 2 && p.faultLevel === 0 && p.replicationStatus === 'active'));
		assert.ok(drills.every((d) => d.drillVpcId && d.createdAt));
		// More than a page: 1,500 pairs come in two pages.
		r.sim.patchGroup(g.id, { replication_num: 1500 });
		const before = r.sim.stats.byRoute['GET /v1/{id}/replications'] ?? 0;
		assert.equal((await r.client.listReplications(r.project, g.id)).length, 1500);
		assert.equal((r.sim.stats.byRoute['GET /v1/{id}/replications'] ?? 0) - before, 2);
		// Another group's items never show.
		const other = r.sim.findGroup('crm-web');
		assert.ok((await r.client.listDrills(r.project, other.id)).length === 0);
	});

	it('sends filters as the service query parameters', async () => {
		const groups = await r.client.listGroups(r.project, { queryType: 'status_abnormal', name: 'a' });
		assert.ok(groups.length > 0);
		assert.ok(groups.every((g) => g.status.startsWith('error') && g.name.includes('a')));
		const q = new URLSearchParams(r.sim.stats.listQueries.at(-1));
		assert.equal(q.get('query_type'), 'status_abnormal');
		assert.equal(q.get('name'), 'a');
	});

	it('gets a group, and maps a missing one to SDRS.1013', async () => {
		const g = r.sim.findGroup('crm-web');
		const got = await r.client.getGroup(r.project, g.id);
		assert.equal(got.name, 'crm-web');
		assert.equal(got.status, 'available');
		const err = await rejects(r.client.getGroup(r.project, '00000000-0000-0000-0000-000000000000'));
		assert.ok(err instanceof SdrsError);
		assert.equal(err.code, 'SDRS.1013');
		assert.equal(err.status, 400);
		assert.match(String(err.requestId), /^[0-9a-f]{32}$/);
	});

	it('starts protection, and the job reaches SUCCESS with the group protected', async () => {
		const g = r.sim.findGroup('crm-web');
		const { jobId } = await r.client.startProtectionGroup(r.project, g.id);
		assert.match(jobId, /^[0-9a-f]{32}$/);
		assert.equal((await r.client.getGroup(r.project, g.id)).status, 'starting');
		await new Promise((res) => setTimeout(res, 350));
		const job = await r.client.getJob(r.project, jobId);
		assert.equal(job.status, 'SUCCESS');
		assert.equal(job.jobType, 'startProtectionGroupNoCG');
		assert.equal((await r.client.getGroup(r.project, g.id)).status, 'protected');
	});

	it('reads protected instances, replication pairs and ECS servers of a group', async () => {
		const g = r.sim.findGroup('inventory-api');
		const instances = await r.client.listProtectedInstances(r.project, g.id);
		assert.equal(instances.length, 2);
		const pairs = await r.client.listReplications(r.project, g.id);
		assert.equal(pairs.length, 2);
		const servers = await r.client.listServers(
			r.project,
			instances.flatMap((i) => [i.sourceServer, i.targetServer]),
		);
		assert.equal(servers.length, 4);
		assert.ok(servers.some((s) => s.status === 'ACTIVE' && s.availabilityZone === 'cn-north-4a'));
	});

	it('refuses an id that would change the path, and encodes / and % inside ids', async () => {
		await assert.rejects(r.client.getGroup(r.project, '..'), /cannot be used as an id/);
		const err = await rejects(r.client.getGroup(r.project, 'a/b%c'));
		assert.equal(err.code, 'SDRS.1013'); // reached the service as one segment
	});
});

describe('endpoints', () => {
	it('uses the public templates and the overrides', () => {
		assert.equal(endpointFor('sdrs', 'cn-north-4'), 'https://sdrs.cn-north-4.myhuaweicloud.com');
		assert.equal(endpointFor('iam', 'cn-north-4'), 'https://iam.myhuaweicloud.com');
		assert.equal(endpointFor('ecs', 'x-1', { ecs: 'https://ecs.{region}.hcs.example/' }), 'https://ecs.x-1.hcs.example');
	});
	it('refuses plain http except on loopback', () => {
		assert.throws(() => checkEndpoint('http://sdrs.example.com', 'sdrs'), /Plain http is refused/);
		assert.throws(() => checkEndpoint('http://10.0.0.1:8080', 'sdrs'), /Plain http is refused/);
		assert.equal(checkEndpoint('http://127.0.0.1:9/', 'sdrs'), 'http://127.0.0.1:9');
		assert.equal(checkEndpoint('http://localhost:9', 'sdrs'), 'http://localhost:9');
		assert.equal(checkEndpoint('http://[::1]:9', 'sdrs'), 'http://[::1]:9');
		assert.throws(() => checkEndpoint('ftp://x', 'sdrs'), /must use https/);
		assert.throws(() => endpointFor('sdrs', 'a/../b'), /not a region ID/);
	});
	it('refuses an endpoint with a query or a fragment', () => {
		assert.throws(() => checkEndpoint('https://sdrs.example.com/#x', 'sdrs'), /query or a fragment/);
		assert.throws(() => checkEndpoint('https://sdrs.example.com/?to=evil', 'sdrs'), /query or a fragment/);
		assert.throws(() => checkEndpoint('https://sdrs.example.com#', 'sdrs'), /query or a fragment/);
	});
	it('knows Huawei Cloud’s public endpoint hosts, and nothing else', () => {
		assert.ok(isPublicEndpointHost('sdrs.cn-north-4.myhuaweicloud.com'));
		assert.ok(isPublicEndpointHost('IAM.myhuaweicloud.com'));
		assert.ok(!isPublicEndpointHost('sdrs.cn-north-4.myhuaweicloud.com.evil.example'));
		assert.ok(!isPublicEndpointHost('127.0.0.1:8080'));
	});
	it('a client configured with a remote http endpoint sends nothing', async () => {
		let sent = 0;
		const http = new HttpPipeline({
			credentials: () => DEMO_CREDENTIALS,
			fetch: () => {
				sent++;
				return Promise.reject(new Error('must not be called'));
			},
		});
		const client = new SdrsClient(http, { sdrs: 'http://sdrs.example.com' });
		await assert.rejects(client.getGroup({ id: projectIdFor('cn-north-4'), name: 'cn-north-4', region: 'cn-north-4', isSubProject: false }, 'g'), /Plain http is refused/);
		assert.equal(sent, 0);
	});
});
