// Jobs that outlive a window: resumed after a reload, shared by windows, put aside, reconciled.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { JobStore } from '../../src/core/jobStore';
import { startSimulator } from '../../src/simulator/simulator';
import { Workflow } from '../../src/core/workflow';
import { group, outcomeOf, waitFor, useExtension } from './support';
import type { SdrsApi } from '../../src/extension';

describe('jobs that outlive a window, in a real VS Code', () => {
	let a: SdrsApi;
	useExtension((api) => (a = api));

	it('resumes a job in flight after deactivate/activate and reports its outcome', async () => {
		const g = await group(a, 'crm-web');
		const sim = a.demo.running!;
		sim.configure({ jobDurationMs: 4000 });
		assert.equal(await vscode.commands.executeCommand('sdrs.enableProtection', g), 'started');
		const job = a.store.all().find((j) => j.groupId === g.group.id)!;
		await a.workflow.suspend(); // what deactivation does: stop following, keep the record
		assert.equal(a.store.get(job.jobId)?.lease, undefined, 'the lease is released');
		assert.equal(a.store.all().find((j) => j.jobId === job.jobId)?.outcome, undefined);
		// A GET already on the wire may still arrive: wait a generous second (a busy machine), then watch for two.
		await new Promise((r) => setTimeout(r, 1000));
		const polls = sim.stats.byRoute['GET /v1/{id}/jobs/{id}'] ?? 0;
		await new Promise((r) => setTimeout(r, 2000));
		assert.equal(sim.stats.byRoute['GET /v1/{id}/jobs/{id}'] ?? 0, polls, `nobody polls while deactivated (${JSON.stringify(sim.stats.byRoute)})`);
		assert.ok(a.workflow.resumeAll() >= 1); // what activation does
		await waitFor('the resumed job to be reported', () => outcomeOf(a, job.jobId));
		assert.equal(a.store.get(job.jobId)?.reportedBy, a.store.owner, 'reported by this window, which took the job back');
		assert.equal(a.store.all().find((j) => j.jobId === job.jobId)?.outcome, 'SUCCESS');
		assert.equal(sim.stats.actionPosts[g.group.id], 1);
	});

	it('two windows: one polls the job, the other takes over only when the first goes away', async () => {
		const g = await group(a, 'chat', 'cn-east-3');
		const sim = a.demo.running!;
		sim.configure({ jobDurationMs: 9000 });
		assert.equal(await vscode.commands.executeCommand('sdrs.enableProtection', g), 'started');
		const job = a.store.all().find((j) => j.groupId === g.group.id)!;
		// A second window on the same shared state: its own store (another owner) and workflow.
		const peerStore = new JobStore(a.store.state);
		const peer = new Workflow({ ...a.workflow.deps, store: peerStore });
		try {
			// resumeAll decides from the stored lease at once: no timing window to wait out.
			assert.equal(peer.resumeAll(), 0, 'the lease keeps the second window off');
			assert.equal(peerStore.follows(job.jobId), false);
			assert.equal(a.store.follows(job.jobId), true);
			await a.workflow.suspend(); // the first window closes; its lease is released
			await waitFor('the second window to take over', () => peerStore.follows(job.jobId) || undefined, 15_000);
			await waitFor('the outcome from the second window', () => outcomeOf(a, job.jobId), 20_000);
			assert.equal(a.store.get(job.jobId)?.reportedBy, peerStore.owner, 'reported once, by the window that followed it');
		} finally {
			peer.dispose();
			peerStore.dispose();
		}
	});

	it('a job whose profile was removed is marked as no longer followed, not left running', async () => {
		const g = await group(a, 'media-transcode', 'ap-southeast-3');
		a.demo.running!.configure({ jobDurationMs: 60_000 });
		assert.equal(await vscode.commands.executeCommand('sdrs.enableProtection', g), 'started');
		const job = a.store.all().find((j) => j.groupId === g.group.id)!;
		await a.workflow.suspend();
		await a.profiles.remove(g.profile.id);
		a.workflow.resumeAll();
		await waitFor('the job to be closed', () => a.store.all().find((j) => j.jobId === job.jobId)?.outcome);
		const closed = a.store.all().find((j) => j.jobId === job.jobId)!;
		assert.equal(closed.outcome, 'ERROR');
		assert.match(closed.failReason ?? '', /profile was removed/);
	});

	it('a job past its timeout is said once and put aside: not polled again by itself; Follow Again, then Dismiss', async () => {
		const g = await group(a, 'media-transcode', 'ap-southeast-3');
		const sim = a.demo.running!;
		sim.configure({ jobDurationMs: 120_000 });
		assert.equal(await vscode.commands.executeCommand('sdrs.enableProtection', g), 'started');
		const job = a.store.all().find((j) => j.groupId === g.group.id)!;
		await a.workflow.suspend();
		// Recorded as started 40 minutes ago: past the 30-minute timeout when it is picked up again.
		await a.store.patch(job.jobId, { startedAt: Date.now() - 40 * 60_000 });
		a.workflow.resumeAll();
		await waitFor('the job to be put aside', () => a.store.get(job.jobId)?.notFollowed);
		const aside = a.store.get(job.jobId)!;
		assert.equal(aside.notFollowed?.reason, 'timeout');
		assert.equal(aside.outcome, undefined, 'no outcome is guessed');
		assert.equal(aside.lease, undefined);
		assert.ok(a.store.runningJobFor(g.project.id, g.group.id), 'the group stays guarded');
		const polls = (): number => sim.stats.byRoute['GET /v1/{id}/jobs/{id}'] ?? 0;
		const before = polls();
		await new Promise((r) => setTimeout(r, 6000)); // longer than a heartbeat (5 s)
		assert.equal(polls(), before, 'nobody polls a job put aside');
		assert.equal(a.workflow.resumeAll(), 0);
		// Follow Again: polled again, with a new timeout.
		void vscode.commands.executeCommand('sdrs.followJobAgain', a.store.get(job.jobId));
		await waitFor('the job to be followed again', () => (a.store.follows(job.jobId) && polls() > before) || undefined);
		assert.equal(a.store.get(job.jobId)?.notFollowed, undefined);
		await a.workflow.suspend();
		// Dismiss: into the history, the group no longer guarded.
		await vscode.commands.executeCommand('sdrs.dismissJob', a.store.get(job.jobId));
		assert.equal(a.store.get(job.jobId)?.outcome, 'TIMEOUT');
		assert.equal(a.store.runningJobFor(g.project.id, g.group.id), undefined);
	});

	it('a demo job resumed after another window started its own demo goes to this window’s simulator, never the port the other window recorded', async () => {
		const g = await group(a, 'crm-web');
		const sim = a.demo.running!;
		sim.configure({ jobDurationMs: 3000 });
		assert.equal(await vscode.commands.executeCommand('sdrs.enableProtection', g), 'started');
		const job = a.store.all().find((j) => j.groupId === g.group.id)!;
		await a.workflow.suspend();
		// Another window started its demo: the shared demo profile now names its simulator's port.
		const elsewhere = await startSimulator();
		// This window's tree, which starts the demo again when shown, keeps still: what the job does is seen alone.
		a.tree.setPrepare((p) => Promise.resolve(p));
		try {
			await a.profiles.update(g.profile.id, { endpoints: { iam: elsewhere.url, sdrs: elsewhere.url, ecs: elsewhere.url } });
			assert.ok(a.workflow.resumeAll() >= 1);
			await waitFor('the resumed job to be reported', () => outcomeOf(a, job.jobId));
			assert.equal(a.store.get(job.jobId)?.outcome, 'SUCCESS');
			assert.equal(elsewhere.stats.requests, 0, 'nothing reached the port the other window recorded');
		} finally {
			a.tree.setPrepare((p) => (p.kind === 'demo' ? a.demo.ensure() : Promise.resolve(p)));
			await elsewhere.stop();
		}
	});

	it('a demo job resumed in a window whose demo does not run is not followed, with the reason, and sends nothing', async () => {
		const g = await group(a, 'media-transcode', 'ap-southeast-3');
		a.demo.running!.configure({ jobDurationMs: 60_000 });
		assert.equal(await vscode.commands.executeCommand('sdrs.enableProtection', g), 'started');
		const job = a.store.all().find((j) => j.groupId === g.group.id)!;
		await a.workflow.suspend();
		a.demo.dispose(); // this window's demo stops (as in a window that never started one)
		const elsewhere = await startSimulator();
		// This window's tree, which starts the demo again when shown, keeps still: what the job does is seen alone.
		a.tree.setPrepare((p) => Promise.resolve(p));
		try {
			await a.profiles.update(g.profile.id, { endpoints: { iam: elsewhere.url, sdrs: elsewhere.url, ecs: elsewhere.url } });
			a.workflow.resumeAll();
			const aside = await waitFor('the job to be put aside', () => a.store.get(job.jobId)?.notFollowed, 30_000);
			assert.equal(aside.reason, 'error');
			assert.match(aside.detail ?? '', /the simulated SDRS of the demo does not run in this window/);
			assert.equal(elsewhere.stats.requests, 0, 'nothing reached the port the other window recorded');
		} finally {
			a.tree.setPrepare((p) => (p.kind === 'demo' ? a.demo.ensure() : Promise.resolve(p)));
			await elsewhere.stop();
		}
	});

	it('a lost answer to the action is not resent: the group is followed to its outcome', async () => {
		const g = await group(a, 'metrics', 'cn-east-3');
		const sim = a.demo.running!;
		sim.configure({ jobDurationMs: 1000, faults: [{ match: '^POST .*/action$', kind: 'lost-response', count: 1 }] });
		sim.patchGroup(g.group.id, { nextOutcome: 'success' });
		assert.equal(await vscode.commands.executeCommand('sdrs.enableProtection', g), 'started');
		const job = a.store.all().find((j) => j.groupId === g.group.id)!;
		assert.equal(job.trackBy, 'group');
		await waitFor('the outcome', () => outcomeOf(a, job.jobId), 20_000);
		assert.equal(a.store.all().find((j) => j.jobId === job.jobId)?.outcome, 'SUCCESS');
		assert.equal(sim.stats.actionPosts[g.group.id], 1);
		assert.equal(sim.stats.jobsCreated[g.group.id], 1);
	});
});
