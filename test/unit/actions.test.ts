import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { allowedActions, availability, groupContextValue, statusKind } from '../../src/core/actions';
import { currentDrAz, runPreflight } from '../../src/core/checks';
import type { ProtectionGroup } from '../../src/core/model';
import { rig, type Rig } from '../support/sim';

const group = (status: string, extra: Partial<ProtectionGroup> = {}): ProtectionGroup => ({
	id: 'g',
	name: 'g',
	description: '',
	status,
	sourceAz: 'az-a',
	targetAz: 'az-b',
	priorityStation: 'source',
	replicationNum: 1,
	protectedInstanceNum: 1,
	drDrillNum: 0,
	...extra,
});

describe('actions', () => {
	it('offers Enable only for available / error-starting and Enable Again only for failed-over / error-reprotecting', () => {
		const expect: Record<string, string> = {
			available: 'canEnable',
			'error-starting': 'canEnable',
			'failed-over': 'canEnableAgain',
			'error-reprotecting': 'canEnableAgain',
		};
		const all = [
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
			'failed-over-back',
			'something-new',
		];
		for (const status of all) {
			const tokens = groupContextValue(group(status)).split(' ');
			assert.ok(tokens.includes('protectionGroup'));
			assert.equal(tokens.includes('canEnable'), expect[status] === 'canEnable', status);
			assert.equal(tokens.includes('canEnableAgain'), expect[status] === 'canEnableAgain', status);
		}
	});

	it('offers no action on a group without replication pairs, as the picker refuses it (one rule)', () => {
		const v = groupContextValue(group('available', { replicationNum: 0 }));
		assert.doesNotMatch(v, /\bcanEnable\b/);
		assert.deepEqual(availability(group('available', { replicationNum: 0 }), 'enable').blocked, { kind: 'noReplicationPairs' });
		assert.doesNotMatch(groupContextValue(group('failed-over', { replicationNum: 0 })), /\bcanEnableAgain\b/);
	});

	it('offers no action while a job of ours runs, and marks simulated groups', () => {
		const v = groupContextValue(group('available'), { runningJobId: 'j', simulated: true });
		assert.match(v, /\bjobRunning\b/);
		assert.doesNotMatch(v, /\bcanEnable\b/);
		assert.match(v, /\bsimulated\b/);
		// The menu regex must not confuse canEnable with canEnableAgain.
		assert.doesNotMatch(groupContextValue(group('failed-over')), /\bcanEnable\b/);
	});

	it('a status that spells a menu token offers no menu: the status is never copied into contextValue', () => {
		// The menus' own patterns, as VS Code matches them against viewItem.
		const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { contributes: { menus: Record<string, { when?: string }[]> } };
		const patterns = Object.values(manifest.contributes.menus)
			.flat()
			.flatMap((m) => [...(m.when ?? '').matchAll(/viewItem =~ \/(.+?)\/(?=\s|\)|$)/g)].map((x) => new RegExp(x[1])));
		assert.equal(patterns.filter((re) => re.source.includes('canEnable')).length, 2, 'the menus were read');
		const hostile = ['status-canEnable', 'x canEnableAgain', 'x-canEnableAgain', 'canEnable', 'jobRunning', 'a simulated', 'project', 'x-protectionGroup-canEnable', 'x\tcanEnable'];
		for (const status of hostile) {
			for (const running of [undefined, 'j']) {
				const v = groupContextValue(group(status), { runningJobId: running });
				assert.equal(v, running ? 'protectionGroup status-unknown jobRunning' : 'protectionGroup status-unknown', status);
				assert.deepEqual(patterns.filter((re) => /canEnable/.test(re.source) && re.test(v)).map(String), [], status);
			}
		}
		assert.equal(groupContextValue(group('failed-over')), 'protectionGroup status-failed-over canEnableAgain canCreateDrill', 'known statuses keep their name');
	});

	it('explains why nothing is offered', () => {
		assert.deepEqual(allowedActions(group('reversing')), { actions: [], blocked: { kind: 'status', status: 'reversing' } });
		assert.deepEqual(availability(group('protected'), 'enable'), { ok: false, blocked: { kind: 'status', status: 'protected', action: 'enable' } });
		assert.deepEqual(availability(group('available', { replicationNum: 0 }), 'enable'), { ok: false, blocked: { kind: 'noReplicationPairs' } });
		assert.deepEqual(availability(group('available'), 'enable', 'job1'), { ok: false, blocked: { kind: 'jobRunning', jobId: 'job1' } });
		assert.deepEqual(availability(group('failed-over'), 'enableAgain'), { ok: true });
		assert.deepEqual(allowedActions(group('failed-over')), { actions: ['enableAgain'] });
	});

	it('classifies statuses, tolerating unknown ones', () => {
		assert.equal(statusKind('protected'), 'stable');
		assert.equal(statusKind('starting'), 'transitional');
		assert.equal(statusKind('error-starting'), 'error');
		assert.equal(statusKind('brand-new'), 'unknown');
		assert.equal(statusKind('error-something-new'), 'error');
		assert.equal(statusKind('constructor'), 'unknown', 'no prototype key is a status');
	});

	it('finds the DR AZ from priority_station', () => {
		assert.equal(currentDrAz(group('protected')), 'az-b');
		assert.equal(currentDrAz(group('failed-over', { priorityStation: 'target' })), 'az-a');
	});
});

describe('pre-flight checks against the simulator', () => {
	let r: Rig;
	beforeEach(async () => {
		r = await rig();
	});
	afterEach(async () => {
		await r.sim.stop();
	});

	it('all pass for an available group with pairs', async () => {
		const res = await runPreflight(r.client, r.project, r.sim.findGroup('crm-web').id, 'enable', undefined);
		assert.equal(res.ok, true);
		assert.deepEqual(
			res.checks.map((c) => [c.id, c.ok]),
			[
				['status', true],
				['replicationPairs', true],
				['noJobInFlight', true],
			],
		);
	});

	it('the status check fails on a live status that changed since the tree was drawn', async () => {
		const g = r.sim.findGroup('crm-web');
		r.sim.patchGroup(g.id, { status: 'protected' });
		const res = await runPreflight(r.client, r.project, g.id, 'enable', undefined);
		assert.equal(res.ok, false);
		assert.equal(res.checks.find((c) => c.id === 'status')?.ok, false);
		assert.equal(res.group.status, 'protected');
	});

	it('the replication-pair check fails for a group without pairs', async () => {
		const res = await runPreflight(r.client, r.project, r.sim.findGroup('hr-portal').id, 'enable', undefined);
		assert.equal(res.checks.find((c) => c.id === 'replicationPairs')?.ok, false);
		assert.equal(res.checks.find((c) => c.id === 'status')?.ok, true); // every check still ran
	});

	it('the DR-server check names the running servers, and passes once they are stopped', async () => {
		const g = r.sim.findGroup('inventory-api');
		const res = await runPreflight(r.client, r.project, g.id, 'enableAgain', undefined);
		const dr = res.checks.find((c) => c.id === 'drServersStopped');
		assert.equal(dr?.ok, false);
		assert.deepEqual(
			dr?.runningServers?.map((s) => s.name),
			['inventory-api-vm1'],
		);
		assert.match(dr?.detail ?? '', /inventory-api-vm1 \(ACTIVE\)/);
		r.sim.stopDrServers(g.id);
		const again = await runPreflight(r.client, r.project, g.id, 'enableAgain', undefined);
		assert.equal(again.ok, true);
	});

	it('Enable Again needs every protected instance’s DR-site server identified and stopped: an instance without one fails the check closed, named', async () => {
		const g = r.sim.findGroup('inventory-api');
		r.sim.stopDrServers(g.id);
		const instances = r.sim.instancesOf(g.id);
		assert.ok(instances.length >= 2, 'a group with several instances');
		assert.equal((await runPreflight(r.client, r.project, g.id, 'enableAgain', undefined)).ok, true);
		// One instance's DR-site server is gone (its id names no server): the others still have theirs.
		const drAz = g.priority_station === 'source' ? g.target_availability_zone : g.source_availability_zone;
		const drOf = (i: (typeof instances)[number]): string => (r.sim.serversOf(g.id).find((s) => s.id === i.sourceServer)?.az === drAz ? i.sourceServer : i.targetServer);
		const [victim, other] = instances.map((i) => ({ ...i }));
		const [victimDr, otherDr] = [drOf(victim), drOf(other)];
		const drField = victimDr === victim.sourceServer ? 'sourceServer' : 'targetServer';
		const admin = await fetch(`${r.sim.url}/__admin/instances/${victim.id}`, { method: 'POST', headers: { 'X-Admin-Token': r.sim.adminToken }, body: JSON.stringify({ [drField]: 'deleted-server' }) });
		assert.equal(admin.status, 200);
		const res = await runPreflight(r.client, r.project, g.id, 'enableAgain', undefined);
		const dr = res.checks.find((c) => c.id === 'drServersStopped');
		assert.equal(res.ok, false);
		assert.equal(dr?.ok, false);
		assert.deepEqual(dr?.facts.unidentified, [victim.name]);
		assert.match(dr?.detail ?? '', new RegExp(`${drAz} of ${victim.name} could not be identified`));
		// Both of an instance's servers in the DR AZ: which one is its DR-site server cannot be told.
		r.sim.patchInstance(victim.id, { sourceServer: victimDr, targetServer: otherDr });
		const twice = await runPreflight(r.client, r.project, g.id, 'enableAgain', undefined);
		assert.equal(twice.checks.find((c) => c.id === 'drServersStopped')?.ok, false);
	});

	it('Enable Again fails closed when no DR site can be told: a priority_station naming no site, or instances reported but none listed', async () => {
		const g = r.sim.findGroup('inventory-api');
		r.sim.stopDrServers(g.id);
		r.sim.patchGroup(g.id, { priority_station: 'both' as 'source' });
		const res = await runPreflight(r.client, r.project, g.id, 'enableAgain', undefined);
		const dr = res.checks.find((c) => c.id === 'drServersStopped');
		assert.equal(dr?.ok, false);
		assert.deepEqual(
			dr?.facts.unidentified,
			r.sim.instancesOf(g.id).map((i) => i.name),
		);
		const empty = r.sim.findGroup('hr-portal');
		assert.equal(r.sim.instancesOf(empty.id).length, 0);
		r.sim.patchGroup(empty.id, { status: 'failed-over', protected_instance_num: 2, replication_num: 1 });
		const none = (await runPreflight(r.client, r.project, empty.id, 'enableAgain', undefined)).checks.find((c) => c.id === 'drServersStopped');
		assert.equal(none?.ok, false);
		assert.equal(none?.facts.noneFound, true);
	});

	it('the job check fails when a job of ours is in flight', async () => {
		const res = await runPreflight(r.client, r.project, r.sim.findGroup('crm-web').id, 'enable', 'abc');
		assert.equal(res.checks.find((c) => c.id === 'noJobInFlight')?.ok, false);
		assert.equal(res.ok, false);
	});
});
