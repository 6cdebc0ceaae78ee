import * as assert from 'node:assert/strict';
import { SdrsError } from '../../src/core/errors';
import { failedSubJobs, nextPollDelay, trackJob } from '../../src/core/jobTracker';
import { MAX_SUB_JOB_DEPTH, toJob, type Job } from '../../src/core/model';
import { rig, type Rig } from '../support/sim';

describe('job tracker', () => {
	let r: Rig;
	afterEach(async () => {
		await r?.sim.stop();
	});

	it('follows a real job to SUCCESS, reporting each status change once', async () => {
		r = await rig({ jobDurationMs: 1500 });
		const g = r.sim.findGroup('crm-web');
		const startedAt = Date.now();
		const { jobId } = await r.client.startProtectionGroup(r.project, g.id);
		const seen: string[] = [];
		const out = await trackJob({ jobId, startedAt }, { getJob: (id, s) => r.client.getJob(r.project, id, s), onStatus: (j) => seen.push(j.status) });
		assert.equal(out.kind, 'SUCCESS');
		assert.equal(seen.at(-1), 'SUCCESS');
		assert.equal(new Set(seen).size, seen.length);
		assert.ok(seen.includes('RUNNING'));
	});

	it('returns FAIL with error code, reason and the failing sub-jobs', async () => {
		r = await rig({ jobDurationMs: 200 });
		const { jobId } = await r.client.startProtectionGroup(r.project, r.sim.findGroup('billing-db').id);
		const out = await trackJob({ jobId, startedAt: Date.now() }, { getJob: (id) => r.client.getJob(r.project, id) });
		assert.equal(out.kind, 'FAIL');
		if (out.kind === 'FAIL') {
			assert.equal(out.errorCode, 'SDRS.1027');
			assert.match(out.failReason ?? '', /Failed to enable protection/);
			assert.equal(out.failedSubJobs.length, 1);
			assert.match(out.failedSubJobs[0].failReason ?? '', /storage link/);
		}
	});

	it('reads a job answer whose sub_jobs nest 10,000 levels deep without overflowing the stack', async () => {
		// The answer as the wire carries it: every level FAIL, one sub-job each.
		let body = '{"job_id":"leaf","status":"FAIL","fail_reason":"deepest"}';
		for (let i = 9_999; i >= 0; i--) {
			body = `{"job_id":"j${i}","status":"FAIL","error_code":"SDRS.1027","entities":{"server_group_id":"g","sub_jobs":[${body}]}}`;
		}
		r = await rig({ faults: [{ match: '/jobs/', kind: 'respond', status: 200, rate: 1, body }] });
		const out = await trackJob({ jobId: 'j0', startedAt: Date.now() }, { getJob: (id) => r.client.getJob(r.project, id), timeoutMs: 3000 });
		assert.equal(out.kind, 'FAIL', JSON.stringify(out).slice(0, 200));
		if (out.kind === 'FAIL') {
			assert.equal(out.errorCode, 'SDRS.1027');
			assert.deepEqual(
				out.failedSubJobs.map((j) => j.jobId),
				Array.from({ length: MAX_SUB_JOB_DEPTH }, (_, i) => `j${i + 1}`),
				'the first levels, in order',
			);
			assert.doesNotThrow(() => JSON.stringify(out.job));
		}
		// Parsed directly, and a tree built by hand (not through toJob) walked without recursion.
		assert.equal(toJob(JSON.parse(body) as Record<string, unknown>).subJobs.length, 1);
		let deep: Job = { jobId: 'x', status: 'FAIL', jobType: '', subJobs: [] };
		for (let i = 0; i < 100_000; i++) {
			deep = { jobId: `x${i}`, status: i % 2 ? 'FAIL' : 'SUCCESS', jobType: '', subJobs: [deep] };
		}
		assert.equal(failedSubJobs({ jobId: 'root', status: 'FAIL', jobType: '', subJobs: [deep] }).length, 50_000 + 1);
	});

	it('keeps failed sub-jobs in depth-first order, a parent before its own', () => {
		const j = (jobId: string, status: string, subJobs: Job[] = []): Job => ({ jobId, status, jobType: '', subJobs });
		const tree = j('r', 'FAIL', [j('a', 'FAIL', [j('a1', 'FAIL'), j('a2', 'SUCCESS', [j('a2x', 'FAIL')])]), j('b', 'SUCCESS'), j('c', 'FAIL')]);
		assert.deepEqual(
			failedSubJobs(tree).map((x) => x.jobId),
			['a', 'a1', 'a2x', 'c'],
		);
	});

	it('keeps going through transient errors (5xx, resets, malformed bodies)', async () => {
		r = await rig(
			{
				jobDurationMs: 1200,
				faults: [
					{ match: '/jobs/', kind: '503', count: 2 },
					{ match: '/jobs/', kind: 'reset', count: 1 },
					{ match: '/jobs/', kind: 'malformed', count: 1 },
				],
			},
			{ maxAttempts: 1 },
		);
		const { jobId } = await r.client.startProtectionGroup(r.project, r.sim.findGroup('crm-web').id);
		let transient = 0;
		const out = await trackJob({ jobId, startedAt: Date.now() }, { getJob: (id) => r.client.getJob(r.project, id), onTransientError: () => transient++ });
		assert.equal(out.kind, 'SUCCESS');
		assert.equal(transient, 4);
	});

	it('times out (the job goes on; the outcome says TIMEOUT with the last status)', async () => {
		r = await rig({ jobDurationMs: 60_000 });
		const { jobId } = await r.client.startProtectionGroup(r.project, r.sim.findGroup('crm-web').id);
		const out = await trackJob({ jobId, startedAt: Date.now() }, { getJob: (id) => r.client.getJob(r.project, id), timeoutMs: 1500 });
		assert.deepEqual(out, { kind: 'TIMEOUT', lastStatus: 'RUNNING' });
	});

	it('stops watching on abort', async () => {
		r = await rig({ jobDurationMs: 60_000 });
		const { jobId } = await r.client.startProtectionGroup(r.project, r.sim.findGroup('crm-web').id);
		const ac = new AbortController();
		setTimeout(() => ac.abort(), 300);
		const out = await trackJob({ jobId, startedAt: Date.now() }, { getJob: (id, s) => r.client.getJob(r.project, id, s), signal: ac.signal });
		assert.equal(out.kind, 'ABORTED');
	});

	it('reports no status that arrives after the abort', async () => {
		const ac = new AbortController();
		const statuses: string[] = [];
		const out = await trackJob(
			{ jobId: 'j', startedAt: Date.now() },
			{
				getJob: () => {
					ac.abort(); // stopped while the answer was on its way
					return Promise.resolve({ jobId: 'j', status: 'RUNNING', jobType: '', subJobs: [] });
				},
				signal: ac.signal,
				onStatus: (j) => statuses.push(j.status),
			},
		);
		assert.equal(out.kind, 'ABORTED');
		assert.deepEqual(statuses, []);
	});

	it('resumes from a serialised record after the watcher was gone', async () => {
		r = await rig({ jobDurationMs: 800 });
		const g = r.sim.findGroup('crm-web');
		const record = {
			jobId: (await r.client.startProtectionGroup(r.project, g.id)).jobId,
			projectId: r.project.id,
			region: r.project.region,
			groupId: g.id,
			action: 'enable' as const,
			startedAt: Date.now(),
		};
		const revived = JSON.parse(JSON.stringify(record)) as typeof record;
		await new Promise((res) => setTimeout(res, 1000)); // the job ended while nobody watched
		const out = await trackJob(revived, { getJob: (id) => r.client.getJob({ id: revived.projectId, region: revived.region }, id) });
		assert.equal(out.kind, 'SUCCESS');
		assert.equal(r.sim.jobState(record.jobId)?.status, 'SUCCESS');
	});

	it('gives up after repeated hard errors with ERROR (not a crash)', async () => {
		const job404 = (): Promise<Job> => Promise.reject(new SdrsError('gone', 'http', 400, 'SDRS.0401'));
		const out = await trackJob({ jobId: 'x', startedAt: Date.now() }, { getJob: job404, sleep: () => Promise.resolve(), maxHardErrors: 3 });
		assert.equal(out.kind, 'ERROR');
	});

	it('schedules polls adaptively: 1 s at first, 9% of elapsed later, at most a minute', () => {
		assert.equal(nextPollDelay(0), 1000);
		assert.equal(nextPollDelay(5_000), 1000);
		assert.equal(nextPollDelay(100_000), 9000);
		assert.equal(nextPollDelay(3_600_000), 60_000);
		// GET count for a 10-minute job stays below Terraform's 5 s + 10 s cadence (61 GETs).
		let t = 0;
		let gets = 0;
		while (t < 600_000) {
			gets++;
			t += nextPollDelay(t);
		}
		gets++;
		assert.ok(gets <= 61, `${gets} GETs`);
	});
});
