// DR drills, the VPC list and the Task Center in the simulator, over real sockets with signed
// requests.
import * as assert from 'node:assert/strict';
import { LIFECYCLE_REGION, projectIdFor } from '../../src/simulator/seed';
import { rig, signedCaller, type Json, type Rig } from '../support/sim';

const PID = projectIdFor(LIFECYCLE_REGION);
const JOB_MS = 400;
const settle = (): Promise<void> => new Promise((res) => setTimeout(res, JOB_MS + 150));

describe('simulator: DR drills, VPCs and the Task Center', () => {
	let r: Rig;
	beforeEach(async () => {
		r = await rig({ jobDurationMs: JOB_MS });
	});
	afterEach(async () => {
		await r.sim.stop();
	});

	const { call, code } = signedCaller(() => r, PID);
	const gid = (name: string): string => r.sim.findGroup(name).id;
	const vpcId = (name: string): string => r.sim.data.vpcs.find((v) => v.name === name)!.id;
	const job = async (id: unknown): Promise<Json> => (await call('GET', `jobs/${String(id)}`)).json;
	const drill = async (id: unknown): Promise<{ status: number; json: Json }> => call('GET', `disaster-recovery-drills/${String(id)}`);
	const create = (params: Json): Promise<{ status: number; json: Json; text: string }> =>
		call('POST', 'disaster-recovery-drills', { disaster_recovery_drill: { server_group_id: gid('dr-drill-ready'), name: 'drill-1', ...params } });
	const failures = async (query = ''): Promise<Json[]> => (await call('GET', `task-center/failure-jobs${query}`)).json.failure_jobs as Json[];

	it('creates a drill without a drill VPC: the service makes one; the job names the drill; drill servers come from the DR site', async () => {
		const vpcsBefore = ((await call('GET', 'vpcs')).json.vpcs as Json[]).length;
		const res = await create({ name: '演练-1.a_b' });
		assert.equal(res.status, 200, res.text);
		const j = await job(res.json.job_id);
		const entities = j.entities as Json;
		assert.equal(j.job_type, 'createDisasterRecoveryDrill');
		assert.equal(entities.server_group_id, gid('dr-drill-ready'));
		const id = entities.disaster_recovery_drill_id;
		assert.match(String(id), /^[0-9a-f-]{36}$/);
		assert.equal(((await drill(id)).json.disaster_recovery_drill as Json).status, 'creating');
		await settle();
		assert.equal((await job(res.json.job_id)).status, 'SUCCESS');
		const d = (await drill(id)).json.disaster_recovery_drill as Json;
		assert.deepEqual(Object.keys(d).sort(), ['created_at', 'drill_servers', 'drill_vpc_id', 'id', 'name', 'server_group_id', 'status', 'updated_at']);
		assert.equal(d.status, 'available');
		assert.match(String(d.created_at), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/);
		const vpcs = (await call('GET', 'vpcs')).json.vpcs as Json[];
		assert.equal(vpcs.length, vpcsBefore + 1);
		const made = vpcs.find((v) => v.id === d.drill_vpc_id)!;
		assert.equal(made.cidr, '192.168.0.0/16');
		assert.notEqual(made.id, vpcId('vpc-santiago-prod'));
		const instances = r.sim.data.instances.filter((i) => i.groupId === gid('dr-drill-ready'));
		const servers = d.drill_servers as { protected_instance: string; drill_server_id: string }[];
		assert.deepEqual(servers.map((s) => s.protected_instance).sort(), instances.map((i) => i.id).sort());
		const ecs = (await call('GET', `cloudservers/detail?server_id=${servers.map((s) => s.drill_server_id).join(',')}`)).json.servers as Json[];
		assert.equal(ecs.length, servers.length);
		assert.ok(ecs.every((s) => s['OS-EXT-AZ:availability_zone'] === 'la-south-2b' && s.status === 'ACTIVE'));
		const g = (await call('GET', `server-groups/${gid('dr-drill-ready')}`)).json.server_group as Json;
		assert.equal(g.disaster_recovery_drill_num, 2);
	});

	it('refuses a bad name (SDRS.0202), a bad body (SDRS.0201), an unknown group (SDRS.1013), a group in the wrong state (SDRS.1002)', async () => {
		for (const name of ['bad name', 'x!', '', 'a'.repeat(65), '演'.repeat(22), 42]) {
			const res = await create({ name });
			assert.equal(res.status, 400);
			assert.equal(code(res.json), 'SDRS.0202', String(name));
		}
		assert.equal((await create({ name: 'a'.repeat(64) })).status, 200);
		assert.equal(code((await call('POST', 'disaster-recovery-drills', { name: 'x' })).json), 'SDRS.0201');
		assert.equal(code((await call('POST', 'disaster-recovery-drills', 'nope')).json), 'SDRS.0201');
		assert.equal(code((await create({ server_group_id: '00000000-0000-4000-a000-000000000000' })).json), 'SDRS.1013');
		r.sim.patchGroup(gid('dr-drill-ready'), { status: 'reversing' });
		assert.equal(code((await create({ name: 'later' })).json), 'SDRS.1002');
	});

	it('with a drill VPC: it must exist (SDRS.1928), not be the group’s (SDRS.1907), not be in use by a drill being created (SDRS.1921)', async () => {
		assert.equal(code((await create({ drill_vpc_id: '11111111-1111-4111-a111-111111111111' })).json), 'SDRS.1928');
		assert.equal(code((await create({ drill_vpc_id: vpcId('vpc-santiago-prod') })).json), 'SDRS.1907');
		const ok = await create({ drill_vpc_id: vpcId('vpc-santiago-drill') });
		assert.equal(ok.status, 200);
		assert.equal(code((await create({ name: 'drill-2', drill_vpc_id: vpcId('vpc-santiago-drill') })).json), 'SDRS.1921');
		await settle();
		const id = ((await job(ok.json.job_id)).entities as Json).disaster_recovery_drill_id;
		assert.equal(((await drill(id)).json.disaster_recovery_drill as Json).drill_vpc_id, vpcId('vpc-santiago-drill'));
		assert.equal((await create({ name: 'drill-2', drill_vpc_id: vpcId('vpc-santiago-drill') })).status, 200, 'free again once created');
	});

	it('a drill into a VPC without the group’s subnet fails as a job (SDRS.1922, naming SDRS.1909 / 1908): drill in error, a Task Center record', async () => {
		const legacy = await create({ drill_vpc_id: vpcId('vpc-santiago-legacy') });
		const empty = await create({ name: 'drill-2', drill_vpc_id: vpcId('vpc-santiago-empty') });
		await settle();
		for (const [res, detail] of [
			[legacy, /SDRS\.1909.*192\.168\.1\.0\/24/],
			[empty, /SDRS\.1908/],
		] as const) {
			const j = await job(res.json.job_id);
			assert.deepEqual([j.status, j.error_code], ['FAIL', 'SDRS.1922']);
			assert.match(String(j.fail_reason), detail);
			const id = (j.entities as Json).disaster_recovery_drill_id;
			const d = (await drill(id)).json.disaster_recovery_drill as Json;
			assert.deepEqual([d.status, d.drill_servers], ['error', []]);
		}
		// Drill records show under their group, not among the group-level records.
		assert.deepEqual(await failures(), []);
		const recs = await failures(`?server_group_id=${gid('dr-drill-ready')}&resource_type=disaster_recovery_drills`);
		assert.deepEqual(recs.map((f) => [f.failure_status, f.resource_name, f.error_code]).sort(), [
			['createFail', 'drill-1', 'SDRS.1922'],
			['createFail', 'drill-2', 'SDRS.1922'],
		]);
	});

	it('deletes a drill: only when available, error or error-deleting (SDRS.1913); deleting → gone (SDRS.1902), its servers with it, the VPC kept', async () => {
		const made = await create({ drill_vpc_id: vpcId('vpc-santiago-drill') });
		const id = String(((await job(made.json.job_id)).entities as Json).disaster_recovery_drill_id);
		assert.equal(code((await call('DELETE', `disaster-recovery-drills/${id}`)).json), 'SDRS.1913', 'still creating');
		await settle();
		const servers = ((await drill(id)).json.disaster_recovery_drill as Json).drill_servers as { drill_server_id: string }[];
		const del = await call('DELETE', `disaster-recovery-drills/${id}`);
		assert.equal(del.status, 200);
		assert.equal(((await drill(id)).json.disaster_recovery_drill as Json).status, 'deleting');
		assert.equal(code((await call('DELETE', `disaster-recovery-drills/${id}`)).json), 'SDRS.1913', 'already deleting');
		await settle();
		const j = await job(del.json.job_id);
		assert.deepEqual([j.job_type, j.status, (j.entities as Json).disaster_recovery_drill_id], ['deleteDisasterRecoveryDrill', 'SUCCESS', id]);
		const gone = await drill(id);
		assert.equal(gone.status, 400);
		assert.equal(code(gone.json), 'SDRS.1902');
		assert.equal(code((await call('DELETE', `disaster-recovery-drills/${id}`)).json), 'SDRS.1902');
		assert.ok(servers.length > 0 && servers.every((s) => !r.sim.data.servers.some((x) => x.id === s.drill_server_id)));
		assert.ok(r.sim.data.vpcs.some((v) => v.id === vpcId('vpc-santiago-drill')));
		// The seeded drill that failed on the legacy VPC is in error: it may be deleted.
		const seeded = r.sim.data.drills.find((d) => d.groupId === gid('dr-drill-ready'))!;
		assert.equal((await call('DELETE', `disaster-recovery-drills/${seeded.id}`)).status, 200);
	});

	it('a failed delete leaves the drill in error-deleting (SDRS.1923, deleteFail), from where it may be deleted again', async () => {
		const seeded = r.sim.data.drills.find((d) => d.groupId === gid('dr-drill-ready'))!;
		seeded.failDelete = true;
		const del = await call('DELETE', `disaster-recovery-drills/${seeded.id}`);
		await settle();
		assert.deepEqual([(await job(del.json.job_id)).status, (await job(del.json.job_id)).error_code], ['FAIL', 'SDRS.1923']);
		assert.equal(((await drill(seeded.id)).json.disaster_recovery_drill as Json).status, 'error-deleting');
		assert.equal((await failures(`?server_group_id=${gid('dr-drill-ready')}&failure_status=deleteFail`)).length, 1);
		const again = await call('DELETE', `disaster-recovery-drills/${seeded.id}`);
		assert.equal(again.status, 200);
		await settle();
		assert.equal((await drill(seeded.id)).status, 400);
	});

	it('lists drills with the model’s fields and the documented filters; the existing demo drills stay', async () => {
		const all = (await call('GET', 'disaster-recovery-drills', undefined, projectIdFor('cn-north-4'))).json;
		assert.equal(all.count, 2);
		const erp = (all.disaster_recovery_drills as Json[]).map((d) => [d.name, d.status, d.server_group_id]);
		assert.deepEqual(erp, [
			['erp-prod-drill-1', 'available', gid('erp-prod')],
			['erp-prod-drill-2', 'error', gid('erp-prod')],
		]);
		const list = async (q: string): Promise<string[]> =>
			((await call('GET', `disaster-recovery-drills${q}`, undefined, projectIdFor('cn-north-4'))).json.disaster_recovery_drills as Json[]).map((d) => String(d.name));
		assert.deepEqual(await list('?name=drill-2'), ['erp-prod-drill-2']);
		assert.deepEqual(await list('?status=available'), ['erp-prod-drill-1']);
		assert.deepEqual(await list('?limit=1&offset=1'), ['erp-prod-drill-2']);
		assert.deepEqual(await list(`?drill_vpc_id=${r.sim.data.drills[0].drill_vpc_id}`), ['erp-prod-drill-1', 'erp-prod-drill-2']);
		assert.deepEqual(await list('?server_group_id=nope'), []);
		// The available one's drill servers run in the DR AZ; deleting the drill removes them.
		const servers = ((all.disaster_recovery_drills as Json[])[0].drill_servers as { drill_server_id: string }[]).map((x) => x.drill_server_id);
		const ecs = async (): Promise<Json[]> => (await call('GET', `cloudservers/detail?server_id=${servers.join(',')}`, undefined, projectIdFor('cn-north-4'))).json.servers as Json[];
		assert.deepEqual(
			(await ecs()).map((x) => [x.status, x['OS-EXT-AZ:availability_zone']]),
			[
				['ACTIVE', 'cn-north-4b'],
				['ACTIVE', 'cn-north-4b'],
			],
		);
		const del = await call('DELETE', `disaster-recovery-drills/${String((all.disaster_recovery_drills as Json[])[0].id)}`, undefined, projectIdFor('cn-north-4'));
		assert.equal(del.status, 200);
		await settle();
		assert.deepEqual(await ecs(), []);
	});

	it('lists VPCs on the vpc endpoint: the v1 model, the id filter, marker/limit paging, refusals', async () => {
		const res = await call('GET', 'vpcs');
		assert.equal(res.status, 200);
		const vpcs = res.json.vpcs as Json[];
		assert.deepEqual(
			vpcs.map((v) => v.name),
			['vpc-santiago-prod', 'vpc-santiago-drill', 'vpc-santiago-legacy', 'vpc-santiago-empty'],
		);
		assert.deepEqual(Object.keys(res.json), ['vpcs']);
		const v = vpcs[0];
		assert.deepEqual([v.cidr, v.status, v.tenant_id, v.routes], ['192.168.0.0/16', 'OK', PID, []]);
		assert.match(String(v.id), /^[0-9a-f-]{36}$/);
		assert.match(String(v.created_at), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
		const names = async (q: string): Promise<string[]> => ((await call('GET', `vpcs${q}`)).json.vpcs as Json[]).map((x) => String(x.name));
		assert.deepEqual(await names('?limit=2'), ['vpc-santiago-prod', 'vpc-santiago-drill']);
		assert.deepEqual(await names(`?limit=2&marker=${String(vpcs[1].id)}`), ['vpc-santiago-legacy', 'vpc-santiago-empty']);
		assert.deepEqual(await names(`?marker=${String(vpcs[3].id)}`), []);
		assert.deepEqual(await names(`?id=${String(vpcs[2].id)}`), ['vpc-santiago-legacy']);
		assert.equal((await call('GET', 'vpcs?limit=-1')).status, 400);
		assert.equal((await call('GET', 'vpcs?marker=nope')).status, 400);
		// Each project has its own: cn-north-4 holds the VPC of erp-prod's drills.
		assert.deepEqual(
			((await call('GET', 'vpcs', undefined, projectIdFor('cn-north-4'))).json.vpcs as Json[]).map((x) => x.name),
			['erp-prod-drill-vpc'],
		);
	});

	it('Task Center: filters, paging, and the three deletes (204), which remove records and nothing else', async () => {
		const stop = (name: string): Promise<unknown> => call('POST', `server-groups/${gid(name)}/action`, { 'stop-server-group': {} });
		for (const name of ['dr-switchover-ready', 'dr-switchover-blocked', 'dr-failover-degraded']) {
			r.sim.patchGroup(gid(name), { nextOutcome: 'fail' });
			await stop(name);
		}
		await create({ drill_vpc_id: vpcId('vpc-santiago-legacy') });
		await settle();
		assert.equal((await failures()).length, 3);
		const listed = (await call('GET', 'task-center/failure-jobs?limit=2&offset=0')).json;
		assert.deepEqual([(listed.failure_jobs as Json[]).length, listed.count], [2, 3]);
		assert.deepEqual((await failures('?resource_name=switchover')).map((f) => f.resource_name).sort(), ['dr-switchover-blocked', 'dr-switchover-ready']);
		assert.equal((await failures('?failure_status=reverseFail')).length, 0);
		assert.equal((await failures('?failure_status=stopFail&resource_type=server_groups')).length, 3);
		assert.equal(code((await call('GET', 'task-center/failure-jobs?limit=1001')).json), 'SDRS.0221');

		const one = (await failures('?resource_name=dr-switchover-ready'))[0];
		const del = await call('DELETE', `task-center/failure-jobs/${String(one.job_id)}`);
		assert.deepEqual([del.status, del.text], [204, '']);
		assert.equal((await failures()).length, 2);
		assert.equal((await call('DELETE', `task-center/failure-jobs/${String(one.job_id)}`)).status, 400);
		assert.equal(r.sim.findGroup('dr-switchover-ready').status, 'error-stopping', 'a deleted record repairs nothing');

		const byGroup = await call('DELETE', `task-center/${gid('dr-switchover-blocked')}/failure-jobs/batch`);
		assert.equal(byGroup.status, 204);
		assert.deepEqual(
			(await failures()).map((f) => f.resource_name),
			['dr-failover-degraded'],
		);
		assert.equal(code((await call('DELETE', 'task-center/00000000-0000-4000-a000-000000000000/failure-jobs/batch')).json), 'SDRS.1013');

		assert.equal((await call('DELETE', 'task-center/failure-jobs/batch')).status, 204);
		assert.deepEqual(await failures(), []);
		assert.equal((await failures(`?server_group_id=${gid('dr-drill-ready')}`)).length, 1, 'the batch delete takes group-level records only');
	});
});
