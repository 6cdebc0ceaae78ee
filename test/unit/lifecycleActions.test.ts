// Disable, Planned Failover and Failover through the extension's own engine, against the simulator
// over real sockets: each row's body, the evidence a switchover ended (reached / readListing), the
// new pre-flight checks on the la-south-2 demo groups, the full round trip run by Workflow.runAction
// and a batch of failovers with one group refused by its check.
import * as assert from 'node:assert/strict';
import { ACTIONS, beforeOf, moveOf, reached, type ActionKind } from '../../src/core/actions';
import { batchCounts, readListing } from '../../src/core/batch';
import { runPreflight, type CheckResult } from '../../src/core/checks';
import { explainCode } from '../../src/core/explanations';
import { explainZh } from '../support/explainZh';
import { JobStore } from '../../src/core/jobStore';
import { silentLogger } from '../../src/core/logger';
import type { Project, ProtectionGroup } from '../../src/core/model';
import type { Alert, Notice, Ports } from '../../src/core/ports';
import { UNSENT, recordOf } from '../../src/core/records';
import { MemoryState } from '../../src/core/sharedState';
import { Workflow } from '../../src/core/workflow';
import { LIFECYCLE_REGION, projectIdFor } from '../../src/simulator/seed';
import { rig, type Rig } from '../support/sim';

const lifecycle: Project = { id: projectIdFor(LIFECYCLE_REGION), name: LIFECYCLE_REGION, region: LIFECYCLE_REGION, isSubProject: false };
const pg = (over: Partial<ProtectionGroup>): ProtectionGroup => ({
	id: 'g',
	name: 'g',
	description: '',
	status: 'protected',
	sourceAz: 'az-a',
	targetAz: 'az-b',
	priorityStation: 'source',
	replicationNum: 1,
	protectedInstanceNum: 1,
	drDrillNum: 0,
	...over,
});

describe('lifecycle actions: bodies and evidence', () => {
	it('each new row sends its own body; a planned failover names the site opposite the current one', () => {
		assert.deepEqual(ACTIONS.disable.body(pg({})), { 'stop-server-group': {} });
		assert.deepEqual(ACTIONS.failover.body(pg({})), { 'failover-server-group': {} });
		assert.deepEqual(ACTIONS.plannedFailover.body(pg({ priorityStation: 'source' })), { 'reverse-server-group': { priority_station: 'target' } });
		assert.deepEqual(ACTIONS.plannedFailover.body(pg({ priorityStation: 'target' })), { 'reverse-server-group': { priority_station: 'source' } });
		assert.equal(ACTIONS.failover.danger, 'typed');
		assert.deepEqual([ACTIONS.disable.danger, ACTIONS.plannedFailover.danger], ['cancelFirst', 'modal'], 'Disable: Cancel is the selected answer');
	});

	it('a move’s direction from the record: AZs when kept, the sites alone for an older record, none for an action that moves nothing', () => {
		const group = pg({ priorityStation: 'target', sourceAz: 'az-a', targetAz: 'az-b', updatedAt: 't0' });
		assert.deepEqual(beforeOf(group), { status: 'protected', updatedAt: 't0', priorityStation: 'target', sourceAz: 'az-a', targetAz: 'az-b' });
		assert.deepEqual(moveOf('plannedFailover', beforeOf(group)), { from: { station: 'target', az: 'az-b' }, to: { station: 'source', az: 'az-a' } });
		assert.deepEqual(moveOf('failover', beforeOf(pg({}))), { from: { station: 'source', az: 'az-a' }, to: { station: 'target', az: 'az-b' } });
		assert.deepEqual(moveOf('failover', { status: 'protected', priorityStation: 'source' }), { from: { station: 'source', az: undefined }, to: { station: 'target', az: undefined } });
		assert.equal(moveOf('failover', { status: 'protected' }), undefined, 'a record that does not say where production was');
		assert.equal(moveOf('failover', undefined), undefined);
		assert.equal(moveOf('disable', beforeOf(group)), undefined);
		assert.equal(moveOf('deleteDrill', beforeOf(group)), undefined);
		// A job's record keeps it.
		const job = recordOf({ profile: 'p', project: lifecycle, group, before: group, action: 'plannedFailover', at: 1, jobId: 'j' }, 1000);
		assert.deepEqual(moveOf(job.action, job.before), { from: { station: 'target', az: 'az-b' }, to: { station: 'source', az: 'az-a' } });
	});

	it('a switchover succeeded only once protected with the station flipped; an unflipped protected is no evidence', () => {
		const before = { status: 'protected', updatedAt: 't0', priorityStation: 'source' };
		assert.equal(reached('plannedFailover', before, pg({ priorityStation: 'target', updatedAt: 't1' })), 'success');
		assert.equal(reached('plannedFailover', before, pg({ priorityStation: 'source', updatedAt: 't1' })), undefined, 'an edited description is not a switchover');
		assert.equal(reached('plannedFailover', before, pg({ status: 'reversing' })), 'transitional');
		assert.equal(reached('plannedFailover', before, pg({ status: 'error-reversing', updatedAt: 't1' })), 'failure');
		assert.equal(readListing('plannedFailover', before, pg({ priorityStation: 'target', updatedAt: 't1' }), false), 'success');
		assert.equal(readListing('plannedFailover', before, pg({ priorityStation: 'source' }), false), 'waiting');
		assert.equal(readListing('plannedFailover', before, pg({ priorityStation: 'source', updatedAt: 't1' }), true), 'ask', 'it moved and came back unflipped: the job says why');
		assert.equal(readListing('plannedFailover', before, pg({ status: 'reversing' }), false), 'moving');
		// Failover and Disable end in another status.
		assert.equal(reached('failover', before, pg({ status: 'failed-over', priorityStation: 'target' })), 'success');
		assert.equal(reached('disable', before, pg({ status: 'available' })), 'success');
		assert.equal(readListing('disable', before, pg({ status: 'stopping' }), false), 'moving');
	});
});

describe('lifecycle actions: pre-flight checks on the la-south-2 demo groups', () => {
	let r: Rig;
	before(async () => {
		r = await rig();
	});
	after(async () => {
		await r.sim.stop();
	});
	const check = async (name: string, action: ActionKind): Promise<{ ok: boolean; failed: CheckResult[]; all: CheckResult[] }> => {
		const p = await runPreflight(r.client, lifecycle, r.sim.findGroup(name).id, action, undefined);
		return { ok: p.ok, failed: p.checks.filter((c) => !c.ok), all: p.checks };
	};

	it('a ready switchover passes every check, its production servers found stopped', async () => {
		const { ok, all } = await check('dr-switchover-ready', 'plannedFailover');
		assert.ok(ok, JSON.stringify(all));
		const servers = all.find((c) => c.id === 'productionServersStopped')!;
		assert.deepEqual([servers.facts.drAz, servers.facts.stopped], ['la-south-2a', 2]);
		const names = r.sim
			.serversOf(r.sim.findGroup('dr-switchover-ready').id)
			.filter((s) => s.az === 'la-south-2a')
			.map((s) => s.name);
		assert.equal(names.length, 2);
		assert.deepEqual([...(servers.facts.stoppedNames ?? [])].sort(), names.sort(), 'the servers checked, by name');
	});

	it('a blocked switchover names the running production server and where it runs', async () => {
		const { ok, failed } = await check('dr-switchover-blocked', 'plannedFailover');
		assert.equal(ok, false);
		assert.deepEqual(
			failed.map((c) => c.id),
			['productionServersStopped'],
		);
		const running = r.sim.serversOf(r.sim.findGroup('dr-switchover-blocked').id).filter((s) => s.az === 'la-south-2a' && s.status !== 'SHUTOFF');
		assert.equal(running.length, 1);
		assert.deepEqual(
			failed[0].runningServers!.map((s) => s.name),
			[running[0].name],
		);
		assert.equal(failed[0].facts.drAz, 'la-south-2a', 'the AZ whose servers must be stopped');
		assert.match(failed[0].detail, new RegExp(`running in la-south-2a: ${running[0].name}`));
	});

	it('a synchronising group refuses a switchover naming its pairs', async () => {
		const { failed } = await check('dr-syncing', 'plannedFailover');
		const sync = failed.find((c) => c.id === 'pairsInSync');
		assert.ok(sync, JSON.stringify(failed));
		const pairs = await r.client.listReplications(lifecycle, r.sim.findGroup('dr-syncing').id);
		assert.ok(pairs.length > 0);
		assert.deepEqual(
			sync.facts.pairNames,
			pairs.map((p) => p.name),
		);
	});

	it('a pair that reports neither progress nor sync status is in sync only when the group says so: otherwise the switchover fails closed', async () => {
		const g = r.sim.findGroup('dr-switchover-ready');
		// The sync status is legacy (may be null) and the pair's progress UNCONFIRMED: an answer with neither.
		const untold = JSON.stringify({
			replications: [{ id: 'rep-untold', name: 'untold-rep1', status: 'protected', server_group_id: g.id, volume_ids: 'a,b', progress: null, replication_status: null, fault_level: '0' }],
			count: 1,
		});
		r.sim.configure({ faults: [{ match: '^GET .*/replications$', kind: 'respond', status: 200, body: untold, rate: 1 }] });
		const progress = g.progress;
		try {
			const pairs = async (): Promise<CheckResult> => (await check('dr-switchover-ready', 'plannedFailover')).all.find((c) => c.id === 'pairsInSync')!;
			r.sim.patchGroup(g.id, { progress: 100 });
			assert.equal((await pairs()).ok, true, 'the group reports 100%');
			r.sim.patchGroup(g.id, { progress: 40 });
			const syncing = await pairs();
			assert.equal(syncing.ok, false);
			assert.deepEqual(syncing.facts.pairNames, ['untold-rep1'], 'the group reports 40%: its pairs are synchronising');
			r.sim.patchGroup(g.id, { progress: undefined });
			const unknown = await pairs();
			assert.equal(unknown.ok, false, 'nothing says the pair is in sync: the check cannot tell, and fails');
			assert.deepEqual(unknown.facts.untoldPairs, ['untold-rep1']);
			assert.match(unknown.detail, /no sync progress reported: untold-rep1/);
		} finally {
			r.sim.configure({ faults: [] });
			r.sim.patchGroup(g.id, { progress });
		}
	});

	it('a broken link refuses failover naming the pair; a degraded pair is named as why failover is advised', async () => {
		const broken = await check('dr-failover-broken', 'failover');
		assert.equal(broken.ok, false);
		assert.deepEqual(
			broken.failed.map((c) => c.id),
			['linkIntact'],
		);
		const brokenPairs = await r.client.listReplications(lifecycle, r.sim.findGroup('dr-failover-broken').id);
		assert.deepEqual(
			broken.failed[0].facts.pairNames,
			brokenPairs.filter((p) => p.faultLevel === 5).map((p) => p.name),
		);
		assert.equal(broken.failed[0].facts.pairNames?.length, 1);

		const degraded = await check('dr-failover-degraded', 'failover');
		assert.ok(degraded.ok, JSON.stringify(degraded.all));
		const link = degraded.all.find((c) => c.id === 'linkIntact')!;
		const failing = (await r.client.listReplications(lifecycle, r.sim.findGroup('dr-failover-degraded').id)).filter((p) => p.faultLevel === 2);
		assert.equal(failing.length, 1);
		assert.deepEqual(link.facts.advisedBy, [failing[0].name]);
		assert.deepEqual(link.facts.pairNames, []);
	});

	it('Disable needs only protected with pairs: it passes on a ready group and is refused by status on an available one', async () => {
		assert.ok((await check('dr-switchover-ready', 'disable')).ok);
		const other = await runPreflight(r.client, { ...lifecycle, id: projectIdFor('cn-north-4'), name: 'cn-north-4', region: 'cn-north-4' }, r.sim.findGroup('crm-web').id, 'disable', undefined);
		assert.deepEqual(
			other.checks.filter((c) => !c.ok).map((c) => c.id),
			['status'],
		);
	});
});

describe('lifecycle actions through the engine', () => {
	let r: Rig;
	let workflow: Workflow;
	let store: JobStore;
	let said: Notice[];
	let alerts: Alert[];
	let asked: ActionKind[];
	let questions: ProtectionGroup[];
	beforeEach(async () => {
		r = await rig({ jobDurationMs: 300 });
		for (const g of r.sim.groups(lifecycle.id)) {
			r.sim.patchGroup(g.id, { jobDurationMs: 300 });
		}
		said = [];
		alerts = [];
		asked = [];
		questions = [];
		const ports: Ports = {
			confirm: (q) => {
				asked.push(q.action);
				questions.push(q.group);
				return Promise.resolve(true);
			},
			alert: (a) => {
				alerts.push(a);
				return Promise.resolve();
			},
			notify: (n) => said.push(n),
			progress: (_w, task) => task(() => undefined),
			clock: { now: () => Date.now(), sleep: (ms) => new Promise((res) => setTimeout(res, ms)) },
		};
		store = new JobStore(new MemoryState());
		workflow = new Workflow({
			store,
			clientFor: () => r.client,
			ports,
			log: silentLogger,
			jobTimeoutMs: () => 30_000,
			reconcileMs: 2500,
			maxConcurrentRequests: () => 4,
			heartbeatMs: 200,
			random: () => 0,
		});
	});
	afterEach(async () => {
		await workflow.suspend();
		workflow.dispose();
		await r.sim.stop();
	});

	const stopServers = (groupId: string, az: string): void => {
		for (const s of r.sim.serversOf(groupId).filter((x) => x.az === az)) {
			r.sim.setServerStatus(s.id, 'SHUTOFF');
		}
	};

	it('the round trip on one group: Failover → Enable Protection Again → Planned Failover back, one POST each, the station at each step', async () => {
		const sg = r.sim.findGroup('dr-drill-ready');
		const run = async (action: ActionKind): Promise<ProtectionGroup> => {
			const posts = r.sim.stats.actionPosts[sg.id] ?? 0;
			const group = await r.client.getGroup(lifecycle, sg.id);
			const res = await workflow.runAction({ profileId: 'p', project: lifecycle, group }, action);
			assert.equal(res.kind, 'started', `${action}: ${JSON.stringify(alerts)}`);
			const out = res.kind === 'started' ? await res.followed : undefined;
			assert.equal(out?.kind, 'SUCCESS', `${action}: ${JSON.stringify(out)}`);
			assert.equal(r.sim.stats.actionPosts[sg.id], posts + 1, `${action}: one POST`);
			return r.client.getGroup(lifecycle, sg.id);
		};
		const start = await r.client.getGroup(lifecycle, sg.id);
		assert.deepEqual([start.status, start.priorityStation], ['protected', 'source']);

		const failedOver = await run('failover');
		assert.deepEqual([failedOver.status, failedOver.priorityStation], ['failed-over', 'target']);

		// Enable Again is refused until the old production servers (now the DR site) are stopped.
		const refused = await workflow.runAction({ profileId: 'p', project: lifecycle, group: failedOver }, 'enableAgain');
		assert.equal(refused.kind, 'refused');
		assert.equal(alerts.at(-1)?.kind, 'preflightFailed');
		assert.equal(r.sim.stats.actionPosts[sg.id], 1, 'a refused pre-flight sends nothing');
		stopServers(sg.id, 'la-south-2a');
		const reprotected = await run('enableAgain');
		assert.deepEqual([reprotected.status, reprotected.priorityStation], ['protected', 'target']);

		// The operator stops production (now la-south-2b) before the switchover back.
		stopServers(sg.id, 'la-south-2b');
		const back = await run('plannedFailover');
		assert.deepEqual([back.status, back.priorityStation], ['protected', 'source']);
		assert.deepEqual(asked, ['failover', 'enableAgain', 'plannedFailover'], 'each action confirmed');
		assert.equal(said.filter((n) => n.kind === 'succeeded').length, 3);
		assert.equal(r.sim.stats.actionPosts[sg.id], 3);
	});

	it('Disable: protected → available, one POST', async () => {
		const sg = r.sim.findGroup('dr-switchover-ready');
		const res = await workflow.runAction({ profileId: 'p', project: lifecycle, group: await r.client.getGroup(lifecycle, sg.id) }, 'disable');
		assert.equal(res.kind, 'started');
		assert.equal((res.kind === 'started' ? await res.followed : undefined)?.kind, 'SUCCESS');
		assert.equal((await r.client.getGroup(lifecycle, sg.id)).status, 'available');
		assert.equal(r.sim.stats.actionPosts[sg.id], 1);
	});

	it('a switchover batch sends nothing to a group switched over elsewhere after the plan: the direction confirmed is the one sent', async () => {
		const ready = r.sim.findGroup('dr-switchover-ready');
		const other = r.sim.findGroup('dr-drill-ready');
		for (const s of r.sim.serversOf(other.id).filter((x) => x.az === 'la-south-2a')) {
			r.sim.setServerStatus(s.id, 'SHUTOFF');
		}
		const targets = await Promise.all([ready, other].map(async (g) => ({ profileId: 'p', project: lifecycle, group: await r.client.getGroup(lifecycle, g.id) })));
		const plan = await workflow.batches.plan(targets, 'plannedFailover');
		assert.deepEqual(
			plan.map((p) => p.eligible),
			[true, true],
			JSON.stringify(plan.map((p) => p.checks)),
		);
		// Another window switched dr-switchover-ready over meanwhile: still protected, production at la-south-2b.
		r.sim.patchGroup(ready.id, { priority_station: 'target' });
		const { batch, done } = await workflow.batches.start(plan, 'plannedFailover');
		await done;
		const entries = store.batch(batch.batchId)!.entries;
		assert.deepEqual(
			entries.map((e) => [e.groupName, e.state]),
			[
				['dr-switchover-ready', 'unsent'],
				['dr-drill-ready', 'sent'],
			],
		);
		assert.equal(entries[0].error, UNSENT.statusChanged);
		assert.equal(r.sim.stats.actionPosts[ready.id], undefined, 'not sent back the other way');
		assert.equal(r.sim.findGroup('dr-switchover-ready').priority_station, 'target');
		assert.deepEqual(moveOf('plannedFailover', entries[1].before), { from: { station: 'source', az: 'la-south-2a' }, to: { station: 'target', az: 'la-south-2b' } });
	});

	it('a blocked switchover is refused before anything is sent, naming the running server', async () => {
		const sg = r.sim.findGroup('dr-switchover-blocked');
		const res = await workflow.runAction({ profileId: 'p', project: lifecycle, group: await r.client.getGroup(lifecycle, sg.id) }, 'plannedFailover');
		assert.equal(res.kind, 'refused');
		const a = alerts[0];
		assert.equal(a.kind, 'preflightFailed');
		const running = a.kind === 'preflightFailed' ? a.checks.find((c) => c.id === 'productionServersStopped')?.runningServers : undefined;
		assert.equal(running?.length, 1);
		assert.equal(r.sim.stats.actionPosts[sg.id], undefined);
		assert.deepEqual(asked, [], 'nothing to confirm');
	});

	it('a switchover from a stale tree asks about the direction the live group will go, the one its body sends', async () => {
		const sg = r.sim.findGroup('dr-switchover-ready');
		const shown = await r.client.getGroup(lifecycle, sg.id);
		assert.equal(shown.priorityStation, 'source');
		// Another window switched it over since the tree was drawn: production is at la-south-2b now.
		r.sim.patchGroup(sg.id, { priority_station: 'target' });
		for (const s of r.sim.serversOf(sg.id)) {
			r.sim.setServerStatus(s.id, 'SHUTOFF');
		}
		const res = await workflow.runAction({ profileId: 'p', project: lifecycle, group: shown }, 'plannedFailover');
		assert.equal(res.kind, 'started', JSON.stringify(alerts));
		assert.equal(questions[0].priorityStation, 'target', 'the confirmation (its “from … to …”) is worded from the group as re-read');
		assert.equal((res.kind === 'started' ? await res.followed : undefined)?.kind, 'SUCCESS');
		assert.equal(r.sim.findGroup('dr-switchover-ready').priority_station, 'source', 'back to the creation-time production site');
	});

	it('a switchover the service refuses (a faulty pair: SDRS.1823) is explained with its fix, in English and Chinese, and sent once', async () => {
		const sg = r.sim.findGroup('dr-failover-degraded');
		for (const s of r.sim.serversOf(sg.id)) {
			r.sim.setServerStatus(s.id, 'SHUTOFF');
		}
		const res = await workflow.runAction({ profileId: 'p', project: lifecycle, group: await r.client.getGroup(lifecycle, sg.id) }, 'plannedFailover');
		assert.equal(res.kind, 'failed');
		const a = alerts[0];
		assert.equal(a.kind === 'refused' ? a.error.code : undefined, 'SDRS.1823');
		assert.match(explainCode('SDRS.1823')?.fix ?? '', /Failover/);
		assert.ok(explainZh('SDRS.1823'));
		assert.equal(r.sim.stats.actionPosts[sg.id], 1);
	});

	it('every code the new actions can end with has an explanation and a fix, in English and Chinese', () => {
		for (const code of ['SDRS.1028', 'SDRS.1029', 'SDRS.1030', 'SDRS.1319', 'SDRS.1352', 'SDRS.1823', 'SDRS.1824', 'SDRS.1830', 'SDRS.0216']) {
			for (const [lang, ex] of [
				['en', explainCode(code)],
				['zh-cn', explainZh(code)],
			] as const) {
				assert.ok(ex?.explanation && ex.fix, `${code} (${lang})`);
			}
		}
		assert.match(explainCode('SDRS.1002')?.fix ?? '', /Planned Failover/, 'the status rule names the new actions too');
	});

	it('a batch of failovers: the broken group is refused by its check and never sent, the others fail over once each', async () => {
		const names = ['dr-switchover-ready', 'dr-failover-degraded', 'dr-failover-broken', 'dr-drill-ready'];
		const targets = await Promise.all(names.map(async (n) => ({ profileId: 'p', project: lifecycle, group: await r.client.getGroup(lifecycle, r.sim.findGroup(n).id) })));
		const plan = await workflow.batches.plan(targets, 'failover');
		assert.deepEqual(
			plan.filter((p) => !p.eligible).map((p) => p.group.name),
			['dr-failover-broken'],
		);
		assert.deepEqual(
			plan
				.find((p) => !p.eligible)!
				.checks.filter((c) => !c.ok)
				.map((c) => c.id),
			['linkIntact'],
		);
		const { batch, done } = await workflow.batches.start(plan, 'failover');
		assert.equal(batch.entries.length, 3);
		const counts = await done;
		assert.equal(counts?.succeeded, 3, JSON.stringify(counts));
		const stored = store.batch(batch.batchId)!;
		assert.deepEqual(
			batchCounts(stored, (id) => store.get(id)),
			counts,
		);
		for (const n of names) {
			const g = r.sim.findGroup(n);
			const broken = n === 'dr-failover-broken';
			assert.equal(r.sim.stats.actionPosts[g.id], broken ? undefined : 1, n);
			assert.deepEqual([g.status, g.priority_station], broken ? ['protected', 'source'] : ['failed-over', 'target'], n);
		}
	});
});
