// The rest of the DR lifecycle in the simulator, over real sockets with signed requests: Disable,
// Planned Failover and Failover with their refusals and jobs, the full round trip, DR drills, the
// VPC list and the Task Center's failure-job records.
import * as assert from 'node:assert/strict';
import { LIFECYCLE_REGION, projectIdFor } from '../../src/simulator/seed';
import { rig, signedCaller, type Json, type Rig } from '../support/sim';

const PID = projectIdFor(LIFECYCLE_REGION);
const JOB_MS = 400;
const settle = (): Promise<void> => new Promise((res) => setTimeout(res, JOB_MS + 150));

describe('simulator: the DR lifecycle', () => {
	let r: Rig;
	beforeEach(async () => {
		r = await rig({ jobDurationMs: JOB_MS });
	});
	afterEach(async () => {
		await r.sim.stop();
	});

	const { call, code } = signedCaller(() => r, PID);
	const gid = (name: string): string => r.sim.findGroup(name).id;
	const act = (name: string, body: unknown, pid = PID): Promise<{ status: number; json: Json; text: string }> => call('POST', `server-groups/${gid(name)}/action`, body, pid);
	const group = async (name: string, pid = PID): Promise<Json> => (await call('GET', `server-groups/${gid(name)}`, undefined, pid)).json.server_group as Json;
	const job = async (id: unknown, pid = PID): Promise<Json> => (await call('GET', `jobs/${String(id)}`, undefined, pid)).json;
	const pairs = async (name: string): Promise<Json[]> => (await call('GET', `replications?server_group_id=${gid(name)}`)).json.replications as Json[];
	const instances = async (name: string): Promise<Json[]> => (await call('GET', `protected-instances?server_group_id=${gid(name)}`)).json.protected_instances as Json[];
	const failures = async (query = ''): Promise<Json[]> => (await call('GET', `task-center/failure-jobs${query}`)).json.failure_jobs as Json[];
	const vpcId = (name: string): string => r.sim.data.vpcs.find((v) => v.name === name)!.id;
	const setServers = (name: string, az: string, status: string): void => {
		const g = r.sim.findGroup(name);
		for (const s of r.sim.serversOf(g.id).filter((x) => x.az === az)) {
			r.sim.setServerStatus(s.id, status);
		}
	};

	it('seeds a group for each step in la-south-2, with the VPCs to drill into', () => {
		const servers = (name: string, az: string): string[] =>
			r.sim
				.serversOf(gid(name))
				.filter((s) => s.az === az)
				.map((s) => s.status);
		assert.deepEqual(servers('dr-switchover-ready', 'la-south-2a'), ['SHUTOFF', 'SHUTOFF']);
		assert.deepEqual(servers('dr-switchover-blocked', 'la-south-2a'), ['ACTIVE', 'SHUTOFF']);
		assert.deepEqual(r.sim.findGroup('dr-failover-degraded').faultLevels, [2, 0]);
		assert.deepEqual(r.sim.findGroup('dr-failover-broken').faultLevels, [5, 0]);
		assert.ok(r.sim.findGroup('dr-syncing').progress < 100);
		const drill = r.sim.data.drills.find((d) => d.groupId === gid('dr-drill-ready'))!;
		assert.equal(drill.status, 'error');
		assert.equal(drill.drill_vpc_id, vpcId('vpc-santiago-legacy'));
		assert.ok(r.sim.groups(PID).every((g) => g.status === 'protected'));
	});

	it('Disable: protected → stopping → available (stopProtectionGroupNoCG, pairs inactive); refused from available, while synchronising, and without pairs', async () => {
		const ok = await act('dr-failover-degraded', { 'stop-server-group': {} });
		assert.equal(ok.status, 200);
		assert.equal((await group('dr-failover-degraded')).status, 'stopping');
		await settle();
		const j = await job(ok.json.job_id);
		assert.equal(j.job_type, 'stopProtectionGroupNoCG');
		assert.equal(j.status, 'SUCCESS');
		assert.equal((await group('dr-failover-degraded')).status, 'available');
		assert.ok((await pairs('dr-failover-degraded')).every((p) => p.status === 'available' && p.replication_status === 'inactive'));
		assert.equal(code((await act('dr-failover-degraded', { 'stop-server-group': {} })).json), 'SDRS.1002');
		const syncing = await act('dr-syncing', { 'stop-server-group': {} });
		assert.equal(syncing.status, 400);
		assert.equal(code(syncing.json), 'SDRS.1830');
		r.sim.patchGroup(gid('dr-drill-ready'), { replication_num: 0 });
		const noPairs = await act('dr-drill-ready', { 'stop-server-group': {} });
		assert.equal(code(noPairs.json), 'SDRS.1002');
		assert.match(noPairs.text, /no replication pairs/);
		assert.equal(code((await act('dr-drill-ready', { 'stop-server-group': 'now' })).json), 'SDRS.0201');
	});

	it('Planned failover: refuses a bad or current priority_station (SDRS.0216), a running production server (SDRS.1319), a faulty pair (SDRS.1823), a synchronising group (SDRS.1830), a wrong status (SDRS.1002)', async () => {
		for (const body of [{ 'reverse-server-group': {} }, { 'reverse-server-group': { priority_station: 'middle' } }, { 'reverse-server-group': { priority_station: 'source' } }]) {
			const res = await act('dr-switchover-ready', body);
			assert.equal(res.status, 400);
			assert.equal(code(res.json), 'SDRS.0216', JSON.stringify(body));
		}
		assert.equal(code((await act('dr-switchover-blocked', { 'reverse-server-group': { priority_station: 'target' } })).json), 'SDRS.1319');
		// A faulty pair (levels 2 and 5) blocks the switchover (SDRS.1823, inferred); a failover may still work.
		setServers('dr-failover-degraded', 'la-south-2a', 'SHUTOFF');
		assert.equal(code((await act('dr-failover-degraded', { 'reverse-server-group': { priority_station: 'target' } })).json), 'SDRS.1823');
		assert.equal(code((await act('dr-failover-broken', { 'reverse-server-group': { priority_station: 'target' } })).json), 'SDRS.1823');
		assert.equal(code((await act('dr-syncing', { 'reverse-server-group': { priority_station: 'target' } })).json), 'SDRS.1830');
		r.sim.patchGroup(gid('dr-switchover-ready'), { status: 'failed-over', priority_station: 'target' });
		assert.equal(code((await act('dr-switchover-ready', { 'reverse-server-group': { priority_station: 'source' } })).json), 'SDRS.1002');
		assert.equal(r.sim.stats.jobsCreated[gid('dr-switchover-ready')], undefined, 'nothing started');
	});

	it('Planned failover: protected(source) → reversing → protected(target), the instances and pairs follow; its FAIL is error-reversing with SDRS.1029', async () => {
		const before = await instances('dr-switchover-ready');
		const res = await act('dr-switchover-ready', { 'reverse-server-group': { priority_station: 'target' } });
		assert.equal(res.status, 200);
		assert.match(String(res.json.job_id), /^[0-9a-f]{32}$/);
		assert.equal((await group('dr-switchover-ready')).status, 'reversing');
		await settle();
		const j = await job(res.json.job_id);
		assert.deepEqual([j.job_type, j.status], ['reverseProtectionGroupNoCG', 'SUCCESS']);
		const g = await group('dr-switchover-ready');
		assert.deepEqual([g.status, g.priority_station, g.source_availability_zone, g.target_availability_zone], ['protected', 'target', 'la-south-2a', 'la-south-2b']);
		const after = await instances('dr-switchover-ready');
		// The servers keep their creation-time roles; priority_station says which one is production now.
		assert.deepEqual(
			after.map((i) => [i.source_server, i.target_server]),
			before.map((i) => [i.source_server, i.target_server]),
		);
		assert.ok(after.every((i) => i.priority_station === 'target' && i.status === 'protected'));
		assert.ok((await pairs('dr-switchover-ready')).every((p) => p.priority_station === 'target' && p.replication_status === 'active'));

		r.sim.patchGroup(gid('dr-switchover-ready'), { nextOutcome: 'fail' });
		setServers('dr-switchover-ready', 'la-south-2b', 'SHUTOFF');
		const back = await act('dr-switchover-ready', { 'reverse-server-group': { priority_station: 'source' } });
		await settle();
		const failed = await job(back.json.job_id);
		assert.deepEqual([failed.status, failed.error_code], ['FAIL', 'SDRS.1029']);
		const g2 = await group('dr-switchover-ready');
		assert.deepEqual([g2.status, g2.priority_station], ['error-reversing', 'target']);
	});

	it('Failover: refused with a pair at fault level 5 (SDRS.1824, inferred) and from failed-over; works at fault level 2 and stops replication', async () => {
		const broken = await act('dr-failover-broken', { 'failover-server-group': {} });
		assert.equal(broken.status, 400);
		assert.equal(code(broken.json), 'SDRS.1824');
		assert.deepEqual(
			(await pairs('dr-failover-broken')).map((p) => p.fault_level),
			['5', '0'],
		);
		assert.equal(code((await act('dr-syncing', { 'failover-server-group': {} })).json), 'SDRS.1830');
		const ok = await act('dr-failover-degraded', { 'failover-server-group': {} });
		assert.equal(ok.status, 200);
		assert.equal((await group('dr-failover-degraded')).status, 'failing-over');
		await settle();
		const j = await job(ok.json.job_id);
		assert.deepEqual([j.job_type, j.status], ['failoverProtectionGroupNoCG', 'SUCCESS']);
		const g = await group('dr-failover-degraded');
		assert.deepEqual([g.status, g.priority_station], ['failed-over', 'target']);
		const ps = await pairs('dr-failover-degraded');
		assert.ok(
			ps.every((p) => p.status === 'failed-over' && p.replication_status === 'active-stopped' && p.fault_level === '0' && p.priority_station === 'target'),
			JSON.stringify(ps),
		);
		assert.ok((await instances('dr-failover-degraded')).every((i) => i.status === 'failed-over' && i.priority_station === 'target'));
		assert.equal(code((await act('dr-failover-degraded', { 'failover-server-group': {} })).json), 'SDRS.1002');
		// From error-reversing too (gateway-b in ap-southeast-3).
		const other = await act('gateway-b', { 'failover-server-group': {} }, projectIdFor('ap-southeast-3'));
		assert.equal(other.status, 200);
	});

	it('jobs that fail end in the error status with SDRS.1028 / 1029 / 1030 and leave Task Center records', async () => {
		const cases: [string, unknown, string, string, string][] = [
			['dr-failover-degraded', { 'stop-server-group': {} }, 'SDRS.1028', 'error-stopping', 'stopFail'],
			['dr-switchover-ready', { 'reverse-server-group': { priority_station: 'target' } }, 'SDRS.1029', 'error-reversing', 'reverseFail'],
			['dr-drill-ready', { 'failover-server-group': {} }, 'SDRS.1030', 'error-failing-over', 'failoverFail'],
		];
		const jobs: string[] = [];
		for (const [name, body] of cases) {
			r.sim.patchGroup(gid(name), { nextOutcome: 'fail' });
			jobs.push(String((await act(name, body)).json.job_id));
		}
		await settle();
		for (const [n, [name, , errorCode, status, failureStatus]] of cases.entries()) {
			const j = await job(jobs[n]);
			assert.deepEqual([j.status, j.error_code], ['FAIL', errorCode]);
			assert.equal((await group(name)).status, status);
			const rec = (await failures(`?server_group_id=${gid(name)}`))[0];
			assert.deepEqual(rec, {
				job_id: jobs[n],
				job_type: j.job_type,
				job_status: 'FAIL',
				failure_status: failureStatus,
				resource_id: gid(name),
				resource_name: name,
				resource_type: 'server_groups',
				error_code: errorCode,
				fail_reason: j.fail_reason,
				begin_time: rec.begin_time,
			});
			assert.match(String(rec.begin_time), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
		}
		// Retried from the error status, they work (the failure was one job's).
		r.sim.patchGroup(gid('dr-failover-degraded'), { nextOutcome: undefined });
		assert.equal((await act('dr-failover-degraded', { 'stop-server-group': {} })).status, 200);
	});

	it('the round trip: protected(source) → failover → failed-over(target) → Enable Again → protected(target) → switchover back → protected(source)', async () => {
		const name = 'dr-failover-degraded';
		const step = async (body: unknown, jobType: string): Promise<void> => {
			const res = await act(name, body);
			assert.equal(res.status, 200, res.text);
			await settle();
			const j = await job(res.json.job_id);
			assert.deepEqual([j.job_type, j.status], [jobType, 'SUCCESS']);
		};
		const state = async (): Promise<unknown[]> => {
			const g = await group(name);
			return [g.status, g.priority_station];
		};
		assert.deepEqual(await state(), ['protected', 'source']);
		await step({ 'failover-server-group': {} }, 'failoverProtectionGroupNoCG');
		assert.deepEqual(await state(), ['failed-over', 'target']);
		// Enable Again needs the servers at the current DR site (the old production, la-south-2a) stopped.
		assert.equal(code((await act(name, { 'start-server-group': {} })).json), 'SDRS.1342');
		setServers(name, 'la-south-2a', 'SHUTOFF');
		await step({ 'start-server-group': {} }, 'reprotectProtectionGroupNoCG');
		assert.deepEqual(await state(), ['protected', 'target']);
		assert.ok((await pairs(name)).every((p) => p.status === 'protected' && p.replication_status === 'active'));
		// Back to the creation-time production site: not to the current one, and only with its servers stopped.
		assert.equal(code((await act(name, { 'reverse-server-group': { priority_station: 'target' } })).json), 'SDRS.0216');
		setServers(name, 'la-south-2b', 'ACTIVE');
		assert.equal(code((await act(name, { 'reverse-server-group': { priority_station: 'source' } })).json), 'SDRS.1319');
		setServers(name, 'la-south-2b', 'SHUTOFF');
		await step({ 'reverse-server-group': { priority_station: 'source' } }, 'reverseProtectionGroupNoCG');
		assert.deepEqual(await state(), ['protected', 'source']);
		assert.ok((await instances(name)).every((i) => i.priority_station === 'source'));
	});
});
