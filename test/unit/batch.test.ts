// Batches (core/batch.ts) against the simulator over real sockets: the plan, pacing under 429,
// Stop, a lost answer, following by listing, and a batch taken over after its window went away.
import * as assert from 'node:assert/strict';
import { MAX_BATCH, batchCounts, readListing, type BatchCounts } from '../../src/core/batch';
import { silentLogger } from '../../src/core/logger';
import { JobStore } from '../../src/core/jobStore';
import { UNSENT, type BatchEntry } from '../../src/core/records';
import type { Project, ProtectionGroup } from '../../src/core/model';
import { MemoryState } from '../../src/core/sharedState';
import { Workflow } from '../../src/core/workflow';
import type { Notice, Ports } from '../../src/core/ports';
import { FAILOVER_REGION, projectIdFor } from '../../src/simulator/seed';
import { rig, type Rig } from '../support/sim';

const failover: Project = { id: projectIdFor(FAILOVER_REGION), name: FAILOVER_REGION, region: FAILOVER_REGION, isSubProject: false };

interface Harness {
	workflow: Workflow;
	store: JobStore;
	said: Notice[];
	progress: string[];
}

function harness(r: Rig, state = new MemoryState(), maxConcurrent = 4, heartbeatMs = 200): Harness {
	const said: Notice[] = [];
	const progress: string[] = [];
	const ports: Ports = {
		confirm: () => Promise.resolve(true),
		alert: () => Promise.resolve(),
		notify: (n) => said.push(n),
		progress: (what, task) => {
			progress.push(what.kind);
			return task(() => undefined);
		},
		clock: { now: () => Date.now(), sleep: (ms) => new Promise((res) => setTimeout(res, ms)) },
	};
	const store = new JobStore(state);
	const workflow = new Workflow({
		store,
		clientFor: () => r.client,
		ports,
		log: silentLogger,
		jobTimeoutMs: () => 60_000,
		reconcileMs: 2500,
		maxConcurrentRequests: () => maxConcurrent,
		heartbeatMs,
		random: () => 0,
	});
	return { workflow, store, said, progress };
}

const groupsOf = (r: Rig): ProtectionGroup[] =>
	r.sim
		.groups()
		.filter((g) => g.projectId === failover.id)
		.map((g) => ({ id: g.id, name: g.name, status: g.status }) as ProtectionGroup);

async function ended(h: Harness, batchId: string, timeoutMs = 20_000): Promise<BatchCounts> {
	const until = Date.now() + timeoutMs;
	while (Date.now() < until) {
		const b = h.store.batch(batchId);
		if (b?.endedAt) {
			return batchCounts(b, (id) => h.store.get(id));
		}
		await new Promise((res) => setTimeout(res, 50));
	}
	throw new Error(`batch ${batchId} did not end: ${JSON.stringify(h.store.batch(batchId))}`);
}

describe('batches: many groups as one plan', () => {
	let r: Rig;
	let h: Harness;
	beforeEach(async () => {
		r = await rig();
		// Jobs of 300–700 ms instead of the seed's 2–10 s.
		for (const g of r.sim.groups().filter((x) => x.projectId === failover.id)) {
			r.sim.patchGroup(g.id, { jobDurationMs: 300 + (g.name.length % 5) * 100 });
		}
		h = harness(r);
	});
	afterEach(async () => {
		await h.workflow.suspend();
		h.workflow.dispose();
		await r.sim.stop();
	});

	it('reads the listing: protected is success, transitional is moving, an unmoved group waits, a changed one is asked about', () => {
		const before = { status: 'failed-over', updatedAt: 't0' };
		const g = (status: string, updatedAt = 't0'): ProtectionGroup => ({ id: 'g', status, updatedAt }) as ProtectionGroup;
		assert.equal(readListing('enableAgain', before, g('protected'), false), 'success');
		assert.equal(readListing('enableAgain', before, g('reprotecting'), false), 'moving');
		assert.equal(readListing('enableAgain', before, g('failed-over'), false), 'waiting');
		// An edited description moves updated_at: no evidence of the action (it is asked about after 10 s).
		assert.equal(readListing('enableAgain', before, g('failed-over', 't1'), false), 'waiting');
		assert.equal(readListing('enableAgain', before, g('error-reprotecting'), false), 'ask');
		assert.equal(readListing('enableAgain', { status: 'error-reprotecting', updatedAt: 't0' }, g('error-reprotecting', 't1'), false), 'ask', 'failed again');
		assert.equal(readListing('enableAgain', before, g('failed-over'), true), 'ask', 'it moved, then settled back: the job says why');
		assert.equal(readListing('enableAgain', before, undefined, false), 'ask', 'gone from the listing');
	});

	it('plans the failover project: 44 groups, 37 eligible; each other one with the check that failed', async () => {
		const targets = groupsOf(r).map((group) => ({ profileId: 'p', project: failover, group }));
		let checked = 0;
		const plan = await h.workflow.batches.plan(targets, 'enableAgain', (done) => (checked = done));
		assert.equal(plan.length, 44);
		assert.equal(checked, 44);
		assert.equal(plan.filter((p) => p.eligible).length, 37);
		const failedCheck = (name: string): string[] =>
			plan
				.find((p) => p.group.name.endsWith(name))!
				.checks.filter((c) => !c.ok)
				.map((c) => c.id);
		for (const n of ['-07', '-19', '-31', '-40']) {
			assert.deepEqual(failedCheck(n), ['drServersStopped'], n);
		}
		for (const n of ['-12', '-27', '-38']) {
			assert.deepEqual(failedCheck(n), ['replicationPairs'], n);
		}
		assert.equal(Object.keys(r.sim.stats.actionPosts).length, 0, 'planning sends nothing');
	});

	it('sends each eligible group once, follows them by listing (job details only for failures) and reports once', async () => {
		const targets = groupsOf(r).map((group) => ({ profileId: 'p', project: failover, group }));
		const plan = await h.workflow.batches.plan(targets, 'enableAgain');
		const before = { ...r.sim.stats.byRoute };
		const { batch, done } = await h.workflow.batches.start(plan, 'enableAgain'); // ineligible entries are dropped here
		assert.equal(batch.entries.length, 37);
		const counts = await done;
		assert.deepEqual(await ended(h, batch.batchId), counts);
		assert.equal(counts?.succeeded, 35);
		assert.equal(counts?.failed, 2, 'the two seeded failures');
		for (const e of batch.entries) {
			assert.equal(r.sim.stats.actionPosts[e.groupId], 1, `${e.groupName}: one POST`);
		}
		for (const p of plan.filter((x) => !x.eligible)) {
			assert.equal(r.sim.stats.actionPosts[p.group.id], undefined, `${p.group.name} is never sent`);
		}
		const jobGets = (r.sim.stats.byRoute['GET /v1/{id}/jobs/{id}'] ?? 0) - (before['GET /v1/{id}/jobs/{id}'] ?? 0);
		const listings = (r.sim.stats.byRoute['GET /v1/{id}/server-groups'] ?? 0) - (before['GET /v1/{id}/server-groups'] ?? 0);
		assert.equal(jobGets, 2, 'job details for the two failures only');
		assert.ok(listings >= 1 && listings < 37, `listings: ${listings}`);
		const failed = h.store.jobsOf(batch.batchId).filter((j) => j.outcome === 'FAIL');
		assert.ok(
			failed.every((j) => j.errorCode === 'SDRS.1032' && j.failReason),
			JSON.stringify(failed),
		);
		assert.equal(h.said.filter((n) => n.kind === 'batchEnded').length, 1);
		assert.equal(h.said.filter((n) => n.kind === 'succeeded' || n.kind === 'failed').length, 0, 'no notification per job');
		assert.deepEqual(h.progress, ['batch'], 'one progress for the batch');
	});

	it('slows down on 429 / APIGW.0308: a throttled group goes again later, and no group gets two jobs', async () => {
		h = harness(r, new MemoryState(), 4);
		r.sim.configure({ faults: [{ match: '^POST .*/action$', kind: '429', count: 3 }] });
		const targets = groupsOf(r)
			.slice(0, 8)
			.map((group) => ({ profileId: 'p', project: failover, group }));
		const plan = (await h.workflow.batches.plan(targets, 'enableAgain')).filter((p) => p.eligible);
		const started = Date.now();
		const { batch, done } = await h.workflow.batches.start(plan, 'enableAgain');
		const counts = await done;
		assert.equal(counts?.refused, 0);
		assert.equal((counts?.succeeded ?? 0) + (counts?.failed ?? 0), plan.length);
		assert.equal(r.sim.stats.faults['429'], 3);
		const posts = Object.values(r.sim.stats.actionPosts).reduce((a, b) => a + b, 0);
		assert.equal(posts, plan.length + 3, 'the three throttled POSTs went again, nothing else twice');
		for (const e of batch.entries) {
			assert.equal(r.sim.stats.jobsCreated[e.groupId], 1, e.groupName);
		}
		assert.ok(Date.now() - started >= 2000, 'paused at least 2 s after being throttled');
	});

	it('Stop sends nothing more and follows what was sent to its end', async () => {
		h = harness(r, new MemoryState(), 1);
		r.sim.configure({ latencyMs: 150 });
		const targets = groupsOf(r)
			.filter((g) => !/-(07|19|31|40|12|27|38)$/.test(g.name))
			.slice(0, 10)
			.map((group) => ({ profileId: 'p', project: failover, group }));
		const plan = await h.workflow.batches.plan(targets, 'enableAgain');
		const { batch, done } = await h.workflow.batches.start(plan, 'enableAgain');
		while (Object.keys(r.sim.stats.jobsCreated).length < 2) {
			await new Promise((res) => setTimeout(res, 10));
		}
		assert.ok(h.workflow.batches.stop(batch.batchId));
		const counts = await done;
		const sent = Object.keys(r.sim.stats.actionPosts).length;
		assert.ok(sent >= 2 && sent <= 3, `sent ${sent}`);
		assert.equal(counts?.unsent, 10 - sent);
		assert.equal((counts?.succeeded ?? 0) + (counts?.failed ?? 0), sent, 'what was sent was followed to its end');
		assert.equal(h.store.batch(batch.batchId)?.stopped, true);
		await new Promise((res) => setTimeout(res, 500));
		assert.equal(Object.keys(r.sim.stats.actionPosts).length, sent, 'nothing sent after Stop');
	});

	it('a group waiting in an unfinished batch is not eligible for another plan, and the check says so', async () => {
		h = harness(r, new MemoryState(), 1);
		r.sim.configure({ latencyMs: 100 });
		const targets = groupsOf(r)
			.filter((g) => !/-(07|19|31|40|12|27|38)$/.test(g.name))
			.slice(0, 6)
			.map((group) => ({ profileId: 'p', project: failover, group }));
		const { batch, done } = await h.workflow.batches.start(await h.workflow.batches.plan(targets, 'enableAgain'), 'enableAgain');
		const again = await h.workflow.batches.plan(targets.slice(-1), 'enableAgain');
		assert.equal(again[0].eligible, false);
		const check = again[0].checks.find((c) => c.id === 'noJobInFlight');
		assert.deepEqual({ ok: check?.ok, inBatch: check?.facts.inBatch }, { ok: false, inBatch: true });
		h.workflow.batches.stop(batch.batchId);
		await done;
	});

	it('a lost answer inside a batch is reconciled by reading its group, never sent again', async () => {
		r.sim.configure({ faults: [{ match: '^POST .*/action$', kind: 'late-apply', count: 1, applyAfterMs: 500 }] });
		const targets = groupsOf(r)
			.slice(0, 3)
			.map((group) => ({ profileId: 'p', project: failover, group }));
		const plan = await h.workflow.batches.plan(targets, 'enableAgain');
		const { batch, done } = await h.workflow.batches.start(plan, 'enableAgain');
		const counts = await done;
		const lost = h.store.jobsOf(batch.batchId).filter((j) => j.trackBy === 'group');
		assert.equal(lost.length, 1);
		assert.equal(lost[0].outcome, 'SUCCESS', 'applied late, seen on the group, followed to its end');
		assert.equal(counts?.succeeded, 3);
		for (const e of batch.entries) {
			assert.equal(r.sim.stats.actionPosts[e.groupId], 1, e.groupName);
		}
	});

	it('a window that goes away mid-batch: another takes the batch over, marks what was not sent and reports once', async () => {
		const state = new MemoryState();
		h = harness(r, state, 1);
		r.sim.configure({ latencyMs: 100 });
		for (const g of r.sim.groups().filter((x) => x.projectId === failover.id)) {
			r.sim.patchGroup(g.id, { jobDurationMs: 1500 });
		}
		const targets = groupsOf(r)
			.filter((g) => !/-(07|19|31|40|12|27|38|15|33)$/.test(g.name))
			.slice(0, 6)
			.map((group) => ({ profileId: 'p', project: failover, group }));
		const plan = await h.workflow.batches.plan(targets, 'enableAgain');
		const { batch } = await h.workflow.batches.start(plan, 'enableAgain');
		while (Object.keys(r.sim.stats.jobsCreated).length < 2) {
			await new Promise((res) => setTimeout(res, 10));
		}
		const peer = harness(r, state, 1);
		try {
			assert.equal(peer.workflow.resumeAll(), 0, 'the lease keeps a second window off the batch');
			await h.workflow.suspend(); // the window closes (a POST on the wire still lands)
			await new Promise((res) => setTimeout(res, 400));
			const sentBefore = Object.keys(r.sim.stats.actionPosts).length;
			// The second window's heartbeat finds the released lease and takes the batch as a whole.
			const counts = await ended(peer, batch.batchId);
			assert.equal(counts.succeeded, sentBefore);
			assert.equal(counts.unsent, 6 - sentBefore, 'groups not sent before the window closed are reported, not sent later');
			assert.equal(Object.keys(r.sim.stats.actionPosts).length, sentBefore, 'the new window sent nothing');
			assert.equal(peer.said.filter((n) => n.kind === 'batchEnded').length, 1);
			assert.equal(h.said.filter((n) => n.kind === 'batchEnded').length, 0);
			assert.equal(peer.store.batch(batch.batchId)?.reportedBy, peer.store.owner);
		} finally {
			await peer.workflow.suspend();
			peer.workflow.dispose();
		}
	});
});

describe('batches tell the truth', () => {
	let r: Rig;
	const harnesses: Harness[] = [];
	const make = (state: MemoryState, maxConcurrent: number, heartbeatMs = 200): Harness => {
		const h = harness(r, state, maxConcurrent, heartbeatMs);
		harnesses.push(h);
		return h;
	};
	const eligibleTargets = (n: number): { profileId: string; project: Project; group: ProtectionGroup }[] =>
		groupsOf(r)
			.filter((g) => !/-(07|19|31|40|12|27|38|15|33)$/.test(g.name))
			.slice(0, n)
			.map((group) => ({ profileId: 'p', project: failover, group }));
	const posts = (): number => Object.values(r.sim.stats.actionPosts).reduce((a, b) => a + b, 0);
	beforeEach(async () => {
		r = await rig();
		for (const g of r.sim.groups().filter((x) => x.projectId === failover.id)) {
			r.sim.patchGroup(g.id, { jobDurationMs: 300 });
		}
	});
	afterEach(async () => {
		for (const h of harnesses.splice(0)) {
			await h.workflow.suspend();
			h.workflow.dispose();
		}
		await r.sim.stop();
	});

	it('a batch’s outcome never depends on pruning: 300 jobs ended, then 100 more in another batch, and the first report is unchanged', async () => {
		const store = new JobStore(new MemoryState());
		const entry = (i: number, batchId: string): BatchEntry => ({
			profile: 'p',
			projectId: 'pr',
			projectName: 'r',
			region: 'r',
			groupId: `${batchId}-g${i}`,
			groupName: `g${i}`,
			before: { status: 'failed-over' },
			state: 'sent',
			jobId: `${batchId}-j${i}`,
		});
		const fill = async (batchId: string, n: number): Promise<void> => {
			await store.saveBatch({ batchId, action: 'enableAgain', startedAt: 1, entries: Array.from({ length: n }, (_, i) => entry(i, batchId)) });
			await Promise.all(
				Array.from({ length: n }, (_, i) =>
					store.save({
						jobId: `${batchId}-j${i}`,
						batchId,
						profile: 'p',
						projectId: 'pr',
						projectName: 'r',
						region: 'r',
						groupId: `${batchId}-g${i}`,
						groupName: `g${i}`,
						action: 'enableAgain',
						startedAt: 1,
					}),
				),
			);
			await Promise.all(Array.from({ length: n }, (_, i) => store.finish(`${batchId}-j${i}`, { outcome: i % 50 === 0 ? 'FAIL' : 'SUCCESS', errorCode: i % 50 === 0 ? 'SDRS.1032' : undefined })));
			await store.finishBatch(batchId);
		};
		await fill('a', 300);
		const first = batchCounts(store.batch('a')!, (id) => store.get(id));
		assert.deepEqual({ succeeded: first.succeeded, failed: first.failed, notFollowed: first.notFollowed }, { succeeded: 294, failed: 6, notFollowed: 0 });
		await fill('b', 100);
		assert.ok(store.all().length <= 250, 'the job list is still pruned');
		assert.deepEqual(
			batchCounts(store.batch('a')!, (id) => store.get(id)),
			first,
			'the first report is unchanged',
		);
		const failedJob = store.jobOrResult('a-j0');
		assert.equal(failedJob?.errorCode, 'SDRS.1032', 'a pruned job’s end is still there for the report');
	});

	it('a window that stalls past its lease (here in a throttle pause) stops sending when another takes over; the report matches what was sent', async () => {
		const state = new MemoryState();
		r.sim.configure({ latencyMs: 50, faults: [{ match: '^POST .*/action$', kind: '429', count: 1 }] });
		const sender = make(state, 1, 1e9); // its heartbeat never renews: the stall
		const { batch } = await sender.workflow.batches.start(await sender.workflow.batches.plan(eligibleTargets(8), 'enableAgain'), 'enableAgain');
		while (!r.sim.stats.faults['429']) {
			await new Promise((res) => setTimeout(res, 10));
		}
		// The lease runs out while the sender waits out the throttle pause (2 s).
		await sender.store.patchBatch(batch.batchId, { lease: { owner: sender.store.owner, until: Date.now() - 1 } });
		const peer = make(state, 1);
		peer.workflow.resumeAll();
		const counts = await ended(peer, batch.batchId);
		await new Promise((res) => setTimeout(res, 2500)); // the sender wakes from its pause
		const final = peer.store.batch(batch.batchId)!;
		for (const e of final.entries) {
			const applied = r.sim.stats.jobsCreated[e.groupId] !== undefined;
			assert.equal(e.state === 'unsent', !applied, `${e.groupName}: ${e.state}, jobs ${r.sim.stats.jobsCreated[e.groupId] ?? 0}`);
		}
		assert.equal(counts.succeeded + counts.failed, Object.keys(r.sim.stats.jobsCreated).length, 'every group the service took is in the report as sent');
		assert.equal(posts() - r.sim.stats.faults['429'], Object.keys(r.sim.stats.jobsCreated).length, 'nothing sent twice (the throttled POST aside)');
		assert.equal(sender.said.filter((n) => n.kind === 'batchEnded').length, 0, 'the window that lost the batch reports nothing');
	});

	it('two windows planning the same groups: each group is POSTed once, and the second batch says why it sent nothing', async () => {
		const state = new MemoryState();
		r.sim.configure({ latencyMs: 30 });
		const a = make(state, 2);
		const b = make(state, 2);
		const targets = eligibleTargets(6);
		const [planA, planB] = await Promise.all([a.workflow.batches.plan(targets, 'enableAgain'), b.workflow.batches.plan(targets, 'enableAgain')]);
		const [startedA, startedB] = await Promise.all([a.workflow.batches.start(planA, 'enableAgain'), b.workflow.batches.start(planB, 'enableAgain')]);
		const [countsA, countsB] = await Promise.all([startedA.done, startedB.done]);
		for (const t of targets) {
			assert.equal(r.sim.stats.actionPosts[t.group.id], 1, `${t.group.name}: one POST`);
		}
		assert.equal((countsA?.succeeded ?? 0) + (countsB?.succeeded ?? 0), 6);
		assert.equal((countsA?.unsent ?? 0) + (countsB?.unsent ?? 0), 6, 'what one batch sent, the other reports as not sent');
	});

	it('one account added as two profiles: a group planned through both is sent once', async () => {
		const h = make(new MemoryState(), 2);
		const targets = eligibleTargets(4);
		const twice = [...targets, ...targets.map((t) => ({ ...t, profileId: 'p2' }))];
		const { done } = await h.workflow.batches.start(await h.workflow.batches.plan(twice, 'enableAgain'), 'enableAgain');
		const counts = await done;
		assert.equal(counts?.total, 4);
		for (const t of targets) {
			assert.equal(r.sim.stats.actionPosts[t.group.id], 1, t.group.name);
		}
	});

	it('a lost answer after the description was edited is “not applied”: only a move to the action’s statuses is evidence', async () => {
		const h = make(new MemoryState(), 1);
		const [target] = eligibleTargets(1);
		const plan = await h.workflow.batches.plan([target], 'enableAgain');
		r.sim.patchGroup(target.group.id, { updated_at: new Date(Date.now() + 60_000).toISOString() }); // an edit after the plan
		r.sim.configure({ faults: [{ match: '^POST .*/action$', kind: 'reset', count: 1 }] });
		const { batch, done } = await h.workflow.batches.start(plan, 'enableAgain');
		const counts = await done;
		assert.equal(counts?.notApplied, 1, JSON.stringify(h.store.jobsOf(batch.batchId)));
		assert.equal(r.sim.group(target.group.id)?.status, 'failed-over');
	});

	it('stops at the first refused key (401 APIGW.0301): the rest is “not sent: authentication failed”, nothing else is tried', async () => {
		const h = make(new MemoryState(), 1);
		r.sim.configure({
			faults: [{ match: '^POST .*/action$', kind: 'respond', status: 401, count: 100, body: JSON.stringify({ error_code: 'APIGW.0301', error_msg: 'Incorrect IAM authentication information' }) }],
		});
		const { batch, done } = await h.workflow.batches.start(await h.workflow.batches.plan(eligibleTargets(12), 'enableAgain'), 'enableAgain');
		const counts = await done;
		assert.equal(posts(), 1, 'one POST, then nothing');
		assert.equal(counts?.refused, 1);
		assert.equal(counts?.unsent, 11);
		assert.ok(
			h.store
				.batch(batch.batchId)!
				.entries.filter((e) => e.state === 'unsent')
				.every((e) => e.error === UNSENT.authFailed),
		);
	});

	it('Stop from another window is honoured before the next POST', async () => {
		const state = new MemoryState();
		r.sim.configure({ latencyMs: 150 });
		const sender = make(state, 1);
		const other = make(state, 1);
		const { batch, done } = await sender.workflow.batches.start(await sender.workflow.batches.plan(eligibleTargets(8), 'enableAgain'), 'enableAgain');
		while (Object.keys(r.sim.stats.actionPosts).length < 1) {
			await new Promise((res) => setTimeout(res, 10));
		}
		assert.ok(other.workflow.batches.stop(batch.batchId), 'the other window can stop it');
		const counts = await done;
		const sent = Object.keys(r.sim.stats.actionPosts).length;
		assert.ok(sent <= 2, `sent ${sent}`);
		assert.equal(counts?.unsent, 8 - sent);
		assert.equal(counts?.refused, 0, 'groups never sent are not counted as refused');
	});

	it('a group whose status changed after the plan is not sent, and is reported as such', async () => {
		const h = make(new MemoryState(), 1);
		const targets = eligibleTargets(3);
		const plan = await h.workflow.batches.plan(targets, 'enableAgain');
		r.sim.patchGroup(targets[1].group.id, { status: 'protected' });
		const { batch, done } = await h.workflow.batches.start(plan, 'enableAgain');
		const counts = await done;
		assert.equal(r.sim.stats.actionPosts[targets[1].group.id], undefined);
		assert.equal(counts?.unsent, 1);
		assert.equal(h.store.batch(batch.batchId)!.entries[1].error, UNSENT.statusChanged);
	});

	it('caps a batch at MAX_BATCH groups and says so in the plan; a round of the follower costs one write', async function () {
		this.timeout(120_000); // 205 groups planned, 200 sent and followed
		r.sim.bulkAddGroups(failover.id, MAX_BATCH + 5, 'failed-over');
		const bulk = r.sim.groups(failover.id).filter((g) => g.name.startsWith('bulk-'));
		for (const g of bulk) {
			r.sim.patchGroup(g.id, { jobDurationMs: 300 });
		}
		const writes: Record<string, number> = {};
		const state = new MemoryState();
		const update = state.update.bind(state);
		state.update = (key: string, value: unknown) => {
			writes[key] = (writes[key] ?? 0) + JSON.stringify(value).length;
			return update(key, value);
		};
		const h = make(state, 8);
		const targets = bulk.map((g) => ({ profileId: 'p', project: failover, group: { id: g.id, name: g.name, status: g.status } as ProtectionGroup }));
		const plan = await h.workflow.batches.plan(targets, 'enableAgain');
		assert.equal(plan.filter((p) => p.eligible).length, MAX_BATCH);
		assert.equal(plan.filter((p) => p.overLimit).length, 5);
		const { batch, done } = await h.workflow.batches.start(plan, 'enableAgain');
		const counts = await done;
		assert.equal(counts?.succeeded, MAX_BATCH);
		const size = JSON.stringify(h.store.batch(batch.batchId)).length;
		// Each group moves queued → sending → sent → ended; written one at a time that is 4 × 200
		// rewrites of the whole batch. Writes that go together (a round's ends) share one write.
		assert.ok(writes['sdrs.batches'] < 3 * MAX_BATCH * size, `wrote ${writes['sdrs.batches']} bytes of batches, the batch is ${size}`);
	});
});
