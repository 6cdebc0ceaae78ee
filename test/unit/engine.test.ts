// The engine's parts on their own: the batch's adaptive limit, the job store's write path and
// checked writes, the heartbeat that owns the leases, and the job follower against the simulator.
import * as assert from 'node:assert/strict';
import { AdaptiveLimit } from '../../src/core/batch/limit';
import { JobFollower } from '../../src/core/follower';
import { Heartbeat } from '../../src/core/heartbeat';
import { JobStore } from '../../src/core/jobStore';
import { silentLogger } from '../../src/core/logger';
import type { Notice, Ports } from '../../src/core/ports';
import { LEASE_MS, recordOf, type StoredBatch } from '../../src/core/records';
import type { ActionTarget } from '../../src/core/ports';
import { Workflow, type RunResult } from '../../src/core/workflow';
import { MemoryState } from '../../src/core/sharedState';
import { storedJob } from '../support/records';
import { rig, type Rig } from '../support/sim';

const job = storedJob;
const batchOf = (batchId: string, owner: string, groups: string[], extra: Partial<StoredBatch> = {}): StoredBatch => ({
	batchId,
	action: 'enableAgain',
	startedAt: 1,
	lease: { owner, until: Date.now() + LEASE_MS },
	entries: groups.map((g) => ({ profile: 'p', projectId: 'pr', projectName: 'r', region: 'r', groupId: g, groupName: g, before: { status: 'failed-over' }, state: 'queued' })),
	...extra,
});

/** A shared state that counts its writes per key. */
function countingState(): MemoryState & { writes: Record<string, number> } {
	const writes: Record<string, number> = {};
	const state = Object.assign(new MemoryState(), { writes });
	const update = state.update.bind(state);
	state.update = (key: string, value: unknown) => {
		state.writes[key] = (state.writes[key] ?? 0) + 1;
		return update(key, value);
	};
	return state;
}

/** Ports that answer yes to every question and record every notice in `said`. */
const recordingPorts = (said: Notice[]): Ports => ({
	confirm: () => Promise.resolve(true),
	alert: () => Promise.resolve(),
	notify: (n) => said.push(n),
	progress: (_w, task) => task(() => undefined),
	clock: { now: () => Date.now(), sleep: (ms) => new Promise((res) => setTimeout(res, ms)) },
});

describe('the batch’s adaptive limit', () => {
	it('halves on a throttle with a 2–5 s pause, and grows by one after a run of successes as long as the limit', () => {
		const limit = new AdaptiveLimit(8, () => 0.5);
		assert.equal(limit.allowed, 8);
		limit.throttled(1000);
		assert.equal(limit.allowed, 4);
		assert.equal(limit.pauseUntil, 1000 + 3500);
		limit.throttled(2000);
		limit.throttled(3000);
		limit.throttled(4000);
		assert.equal(limit.allowed, 1, 'never below one');
		limit.succeeded();
		assert.equal(limit.allowed, 2, 'one success at a limit of one');
		limit.succeeded();
		assert.equal(limit.allowed, 2);
		limit.succeeded();
		assert.equal(limit.allowed, 3, 'two successes at a limit of two');
		for (let i = 0; i < 100; i++) {
			limit.succeeded();
		}
		assert.equal(limit.allowed, 8, 'never above the setting');
	});
});

describe('the job store', () => {
	it('changes asked for together are written together: one write per list', async () => {
		const state = countingState();
		const store = new JobStore(state);
		await Promise.all([store.save(job('a')), store.save(job('b')), store.saveBatch(batchOf('x', store.owner, ['g1'])), store.patch('a', { lastStatus: 'RUNNING' })]);
		assert.deepEqual(state.writes, { 'sdrs.jobs': 1, 'sdrs.batches': 1 });
		assert.equal(store.get('a')?.lastStatus, 'RUNNING', 'in the order asked');
		await store.save(job('c'));
		assert.equal(state.writes['sdrs.jobs'], 2);
	});

	it('a change that changes nothing is not written: an idle window’s heartbeat never writes its copy over another window’s', async () => {
		const state = countingState();
		const store = new JobStore(state);
		await store.save(job('a'));
		await store.saveBatch(batchOf('x', store.owner, ['g1']));
		const writes = { ...state.writes };
		let events = 0;
		store.onDidChange(() => events++);
		await Promise.all([store.renew([]), store.leaseBatches([]), store.patch('no-such-job', { lastStatus: 'RUNNING' }), store.patch('a', { lastStatus: job('a').lastStatus })]);
		assert.deepEqual(state.writes, writes, 'nothing written');
		assert.equal(events, 0, 'and nothing announced');
		await store.claim('a');
		await new Promise((res) => setTimeout(res, 5));
		await store.renew(['a']);
		assert.equal(state.writes['sdrs.jobs'], writes['sdrs.jobs'] + 2, 'a lease taken and renewed is written');
		assert.equal(events, 2);
	});

	it('a change that throws fails alone; the others are written', async () => {
		const store = new JobStore(new MemoryState());
		const bad = store.write(() => {
			throw new Error('boom');
		});
		const good = store.save(job('a'));
		await assert.rejects(bad, /boom/);
		await good;
		assert.ok(store.get('a'));
	});

	it('markSending: only while this window holds the lease, the batch is not stopped, and no other batch or job has the group in flight', async () => {
		const state = new MemoryState();
		const mine = new JobStore(state);
		const other = new JobStore(state);
		await mine.saveBatch(batchOf('a', mine.owner, ['g1', 'g2', 'g3', 'g4']));
		await other.saveBatch(batchOf('b', other.owner, ['g2']));
		assert.equal(await other.markSending('b', 'pr', 'g2', { sentAt: 1 }), 'ok');
		assert.equal(await mine.markSending('a', 'pr', 'g2', {}), 'conflict', 'g2 is being sent by batch b');
		assert.equal(mine.batch('a')!.entries[1].state, 'unsent');
		await mine.save(job('j3', { groupId: 'g3' }));
		assert.equal(await mine.markSending('a', 'pr', 'g3', {}), 'conflict', 'a job runs on g3');
		assert.equal(await mine.markSending('a', 'pr', 'g1', {}), 'ok');
		assert.equal(await mine.markSending('a', 'pr', 'g1', {}), 'notQueued', 'once');
		assert.equal(await other.markSending('a', 'pr', 'g4', {}), 'lostLease', 'not the holder');
		await mine.patchBatch('a', { stopped: true });
		assert.equal(await mine.markSending('a', 'pr', 'g4', {}), 'stopped');
		assert.equal(mine.batch('a')!.entries[3].state, 'queued');
	});

	it('recordSent replaces a lost answer’s placeholder with the job a stalled window recorded late', async () => {
		const store = new JobStore(new MemoryState());
		await store.saveBatch({ ...batchOf('a', store.owner, ['g1']), entries: [{ ...batchOf('a', store.owner, ['g1']).entries[0], state: 'sending' }] });
		const placeholder = recordOf(
			{
				profile: 'p',
				project: { id: 'pr', name: 'r', region: 'r', isSubProject: false },
				group: { id: 'g1', name: 'g1' },
				before: { status: 'failed-over' },
				action: 'enableAgain',
				at: 5,
				batchId: 'a',
			},
			1000,
		);
		await store.recordSent('a', placeholder);
		assert.equal(store.batch('a')!.entries[0].jobId, placeholder.jobId);
		await store.recordSent('a', { ...placeholder, jobId: 'real', trackBy: 'job', reconcile: undefined });
		assert.equal(store.batch('a')!.entries[0].jobId, 'real');
		assert.equal(store.get(placeholder.jobId), undefined, 'the placeholder is gone');
	});

	it('a batch job’s end is copied into its entry, in the same write as the job’s', async () => {
		const state = countingState();
		const store = new JobStore(state);
		await store.saveBatch({ ...batchOf('a', store.owner, ['g-j']), entries: [{ ...batchOf('a', store.owner, ['g-j']).entries[0], state: 'sent', jobId: 'j' }] });
		await store.save(job('j', { batchId: 'a', groupId: 'g-j' }));
		const before = { ...state.writes };
		await store.finish('j', { outcome: 'FAIL', errorCode: 'SDRS.1032' });
		assert.deepEqual(store.batch('a')!.entries[0].result?.errorCode, 'SDRS.1032');
		assert.equal(state.writes['sdrs.batches'] - before['sdrs.batches'], 1);
		assert.equal(state.writes['sdrs.jobs'] - before['sdrs.jobs'], 1);
	});
});

describe('the heartbeat', () => {
	it('renews this window’s leases on what it holds, then looks for work; never another window’s', async () => {
		const state = new MemoryState();
		const store = new JobStore(state);
		const other = new JobStore(state);
		await store.save(job('mine', { lease: { owner: store.owner, until: Date.now() + 100 } }));
		await store.save(job('theirs', { lease: { owner: other.owner, until: Date.now() + 100 } }));
		await store.saveBatch(batchOf('b', store.owner, ['g'], { lease: { owner: store.owner, until: Date.now() + 100 } }));
		let beats = 0;
		const hb = new Heartbeat(store, { jobs: () => ['mine', 'theirs'], batches: () => ['b'] }, () => beats++, 30);
		hb.start();
		hb.start(); // once
		await new Promise((r) => setTimeout(r, 200));
		hb.stop();
		const seen = beats;
		assert.ok(seen >= 3 && seen <= 8, `beats ${seen}`);
		assert.ok(store.get('mine')!.lease!.until > Date.now() + LEASE_MS - 1000, 'renewed');
		assert.ok(store.get('theirs')!.lease!.until < Date.now() + 1000, 'not renewed');
		assert.ok(store.batch('b')!.lease!.until > Date.now() + LEASE_MS - 1000);
		await new Promise((r) => setTimeout(r, 100));
		assert.equal(beats, seen, 'stopped');
	});
});

describe('the job follower', () => {
	let r: Rig;
	afterEach(async () => {
		await r?.sim.stop();
	});

	const followerDeps = (store: JobStore, said: Notice[]): ConstructorParameters<typeof JobFollower>[0] => {
		return {
			store,
			clientFor: () => r.client,
			ports: recordingPorts(said),
			log: silentLogger,
			jobTimeoutMs: () => 30_000,
			reconcileMs: 1500,
			reconcileReadMs: 100,
			announce: () => undefined,
			heartbeat: new Heartbeat(store, { jobs: () => [], batches: () => [] }, () => undefined, 1e9),
		};
	};
	const follower = (store: JobStore, said: Notice[]): JobFollower => new JobFollower(followerDeps(store, said));

	it('follows a job to its end and reports it once, even when two windows follow it', async () => {
		r = await rig({ jobDurationMs: 600 });
		const state = new MemoryState();
		const [a, b] = [new JobStore(state), new JobStore(state)];
		const said: Notice[] = [];
		const { jobId } = await r.client.startProtectionGroup(r.project, r.sim.findGroup('crm-web').id);
		const rec = {
			...recordOf({ profile: 'p', project: r.project, group: { id: r.sim.findGroup('crm-web').id, name: 'crm-web' }, before: { status: 'available' }, action: 'enable', at: Date.now(), jobId }, 1000),
		};
		await a.save(rec);
		const [x, y] = await Promise.all([follower(a, said).follow(rec), follower(b, said).follow(rec)]);
		assert.equal(x?.kind, 'SUCCESS');
		assert.equal(y?.kind, 'SUCCESS');
		assert.equal(said.filter((n) => n.kind === 'succeeded').length, 1, 'reported once');
		assert.equal(a.get(jobId)?.outcome, 'SUCCESS');
	});

	it('a lost answer whose group never moves is “not applied”, said once', async () => {
		r = await rig({ jobDurationMs: 600 });
		const store = new JobStore(new MemoryState());
		const said: Notice[] = [];
		const g = r.sim.findGroup('crm-web');
		const rec = recordOf({ profile: 'p', project: r.project, group: { id: g.id, name: g.name }, before: { status: g.status, updatedAt: g.updated_at }, action: 'enable', at: Date.now() }, 1500);
		await store.save(rec);
		const out = await follower(store, said).follow(rec);
		assert.equal(out?.kind, 'NOT_APPLIED');
		assert.deepEqual(
			said.map((n) => n.kind),
			['notApplied'],
		);
		assert.equal(r.sim.stats.actionPosts[g.id], undefined, 'nothing was sent');
	});

	it('a lost answer’s window starts when the answer was lost, not when the POST was sent: a POST that waited past it and was applied after is followed, not “not applied”', async () => {
		r = await rig({ jobDurationMs: 600 });
		const store = new JobStore(new MemoryState());
		const said: Notice[] = [];
		const g = r.sim.findGroup('crm-web');
		// Sent 5 s ago (longer than the 1.5 s window), its answer lost now; the service applies it 0.8 s later.
		const now = Date.now();
		const rec = recordOf(
			{ profile: 'p', project: r.project, group: { id: g.id, name: g.name }, before: { status: g.status, updatedAt: g.updated_at }, action: 'enable', at: now - 5000, lostAt: now },
			1500,
		);
		assert.equal(rec.reconcile?.until, now + 1500);
		await store.save(rec);
		const applied = setTimeout(() => void r.client.startProtectionGroup(r.project, g.id), 800);
		try {
			const out = await follower(store, said).follow(rec);
			assert.equal(out?.kind, 'SUCCESS', JSON.stringify(said.map((n) => n.kind)));
			assert.deepEqual(
				said.map((n) => n.kind),
				['appliedAfterLostAnswer', 'succeeded'],
			);
		} finally {
			clearTimeout(applied);
		}
	});

	it('a lost answer whose window passed while no window watched it (a reload) is read a few times before “not applied”', async () => {
		r = await rig({ jobDurationMs: 600 });
		const store = new JobStore(new MemoryState());
		const said: Notice[] = [];
		const g = r.sim.findGroup('crm-web');
		const rec = recordOf(
			{ profile: 'p', project: r.project, group: { id: g.id, name: g.name }, before: { status: g.status, updatedAt: g.updated_at }, action: 'enable', at: Date.now() - 60_000 },
			1500,
		);
		await store.save(rec);
		const reads = (): number => Object.entries(r.sim.stats.byRoute).reduce((n, [route, count]) => n + (/^GET .*\/server-groups\/\{id\}$/.test(route) ? count : 0), 0);
		const out = await follower(store, said).follow(rec);
		assert.equal(out?.kind, 'NOT_APPLIED');
		assert.equal(reads(), 3, 'three reads, not one');
		assert.deepEqual(
			said.map((n) => n.kind),
			['notApplied'],
		);
	});

	it('a lost answer whose window ends on a failed read is decided by a read after it, not called unknown', async () => {
		r = await rig({ jobDurationMs: 600 });
		const store = new JobStore(new MemoryState());
		const said: Notice[] = [];
		const g = r.sim.findGroup('crm-web');
		const started = Date.now();
		const rec = recordOf({ profile: 'p', project: r.project, group: { id: g.id, name: g.name }, before: { status: g.status, updatedAt: g.updated_at }, action: 'enable', at: started }, 1500);
		await store.save(rec);
		// Every read of the group refused (not retried) from 1.2 s to 1.8 s: the window (1.5 s) ends on
		// a failed read; the reads after it (every 200 ms) see the group again from 1.8 s.
		const refuse = { match: '^GET .*/server-groups/[^/]+$', kind: 'respond' as const, status: 400, body: JSON.stringify({ error: { code: 'SDRS.0001', message: 'refused (test)' } }), rate: 1 };
		const on = setTimeout(() => r.sim.options.faults.push(refuse), 1200);
		const off = setTimeout(() => r.sim.options.faults.splice(r.sim.options.faults.indexOf(refuse), 1), 1800);
		try {
			const out = await new JobFollower({ ...followerDeps(store, said), reconcileMs: 1500, reconcileReadMs: 200 }).follow(rec);
			assert.equal(out?.kind, 'NOT_APPLIED');
			assert.deepEqual(
				said.map((n) => n.kind),
				['notApplied'],
			);
			assert.ok(Date.now() - started >= 1800, 'decided by a read after the window');
		} finally {
			clearTimeout(on);
			clearTimeout(off);
		}
	});
});

describe('a one-group request recorded before it leaves', () => {
	let r: Rig;
	const made: Workflow[] = [];
	afterEach(async () => {
		for (const wf of made.splice(0)) {
			await wf.suspend();
			wf.dispose();
		}
		await r?.sim.stop();
	});

	/** A window: its own store on the shared state, its own workflow. */
	const windowOn = (state: MemoryState): { wf: Workflow; store: JobStore; said: Notice[] } => {
		const store = new JobStore(state);
		const said: Notice[] = [];
		const wf = new Workflow({
			store,
			clientFor: () => r.client,
			ports: recordingPorts(said),
			log: silentLogger,
			jobTimeoutMs: () => 30_000,
			reconcileMs: 1000,
			reconcileReadMs: 100,
			heartbeatMs: 1e9,
		});
		made.push(wf);
		return { wf, store, said };
	};
	const target = async (name: string): Promise<ActionTarget> => ({ profileId: 'p', project: r.project, group: await r.client.getGroup(r.project, r.sim.findGroup(name).id) });
	const until = async (what: string, probe: () => boolean): Promise<void> => {
		for (let i = 0; !probe(); i++) {
			assert.ok(i < 200, `timed out waiting for ${what}`);
			await new Promise((res) => setTimeout(res, 20));
		}
	};

	/** Two windows; Enable Protection on crm-web from the first, its POST hanging (not applied) until the client gives up (2 s), recorded. */
	const hangingRequest = async (): Promise<{ one: ReturnType<typeof windowOn>; two: ReturnType<typeof windowOn>; g: ReturnType<Rig['sim']['findGroup']>; running: Promise<RunResult> }> => {
		r = await rig({ jobDurationMs: 300, faults: [{ match: '^POST .*/action$', kind: 'hang', count: 1 }] });
		const state = new MemoryState();
		const [one, two] = [windowOn(state), windowOn(state)];
		const g = r.sim.findGroup('crm-web');
		const running = one.wf.runAction(await target('crm-web'), 'enable');
		await until('the request to be recorded', () => !!one.store.runningJobFor(r.project.id, g.id));
		return { one, two, g, running };
	};

	it('while the POST is on the wire the group is guarded in every window, and this window does not take its own request up; the answer replaces the record', async () => {
		const { one, two, g, running } = await hangingRequest();
		const placeholder = one.store.get(one.store.runningJobFor(r.project.id, g.id)!)!;
		assert.equal(placeholder.sending, true);
		assert.equal(placeholder.trackBy, 'group');
		assert.equal(placeholder.lease?.owner, one.store.owner);
		assert.equal(one.wf.resumeAll(), 0, 'this window does not take up its own request on the wire');
		// Another window is refused the group before anything is sent.
		assert.deepEqual(await two.wf.runAction(await target('crm-web'), 'enable'), { kind: 'refused' });
		assert.deepEqual(
			two.said.map((n) => n.kind),
			['jobRunning'],
		);
		assert.equal(r.sim.stats.actionPosts[g.id], 1, 'one POST in all');
		const run = await running;
		assert.equal(run.kind, 'started');
		const out = run.kind === 'started' ? await run.followed : undefined;
		assert.equal(out?.kind, 'NOT_APPLIED');
		const jobs = one.store.all().filter((j) => j.groupId === g.id);
		assert.equal(jobs.length, 1, 'the placeholder became the job: one record');
		assert.equal(jobs[0].sending, undefined);
		assert.equal(jobs[0].outcome, 'NOT_APPLIED');
	});

	it('a request refused by the service leaves no record; one answered becomes its job', async () => {
		r = await rig({ jobDurationMs: 300 });
		const { wf, store } = windowOn(new MemoryState());
		const refused = await wf.runAction(await target('reporting'), 'enableAgain');
		assert.equal(refused.kind, 'refused', 'reporting is error-starting: Enable Again is refused by the pre-flight, nothing recorded');
		r.sim.configure({ faults: [{ match: '^POST .*/action$', kind: 'respond', status: 400, body: JSON.stringify({ error: { code: 'SDRS.1002', message: 'no' } }), count: 1 }] });
		const failed = await wf.runAction(await target('reporting'), 'enable');
		assert.equal(failed.kind, 'failed');
		assert.deepEqual(store.all(), [], 'the placeholder of the refused request is gone');
		const started = await wf.runAction(await target('reporting'), 'enable');
		assert.equal(started.kind, 'started');
		assert.equal(started.kind === 'started' && (await started.followed)?.kind, 'SUCCESS');
		assert.deepEqual(
			store.all().map((j) => [j.groupId, j.trackBy, j.outcome, j.sending]),
			[[r.sim.findGroup('reporting').id, 'job', 'SUCCESS', undefined]],
		);
	});

	it('the window goes away with the request on the wire: another window takes the record up and finds out from the group', async () => {
		const { one, two, g, running } = await hangingRequest();
		// The window closes (its leases given up); the service applies the request meanwhile.
		await one.wf.suspend();
		await r.client.startProtectionGroup(r.project, g.id);
		assert.equal(two.wf.resumeAll(), 1, 'the other window takes the record up');
		await until('the other window to report', () => two.said.some((n) => n.kind === 'succeeded'));
		assert.deepEqual(
			two.said.map((n) => n.kind),
			['appliedAfterLostAnswer', 'succeeded'],
		);
		assert.deepEqual(await running, { kind: 'failed' }, 'the closed window writes nothing more');
		const jobs = two.store.all().filter((j) => j.groupId === g.id);
		assert.deepEqual(
			jobs.map((j) => [j.outcome, j.sending]),
			[['SUCCESS', undefined]],
		);
	});
});
