// Re-protect at scale in a real VS Code: the plan (eligibility, untick, typed count) from a project
// and from a selection, pacing under 429, Stop, a lost answer inside a batch, a reload mid-batch,
// the Jobs view's batch parent and the summary for the change ticket. The real commands run; only
// the QuickPick and the input box are answered through the prompts seam (the UI test clicks them).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { batchCounts } from '../../src/core/batch';
import type { SdrsApi } from '../../src/extension';
import type { PlanItem } from '../../src/ui/commands/batch';
import { JobsProvider, type BatchItem } from '../../src/ui/views/jobsView';
import type { GroupNode } from '../../src/ui/views/groupsTree';
import { api, groupsOf, noQuestions, reset, waitFor } from './support';

const REGION = 'cn-south-1';

describe('re-protect at scale (batches) in a real VS Code', () => {
	let a: SdrsApi;
	let groups: GroupNode[];
	before(async () => {
		a = await api();
	});
	beforeEach(async () => {
		await reset(a);
		groups = await groupsOf(a, REGION);
		// Jobs of 0.4–1.2 s instead of the seed's 2–10 s.
		for (const g of groups) {
			a.demo.running!.patchGroup(g.group.id, { jobDurationMs: 400 + (g.group.name.length % 5) * 200 });
		}
	});
	afterEach(async () => {
		a.demo.running?.configure({ latencyMs: 0 });
		await vscode.workspace.getConfiguration('sdrs').update('maxConcurrentRequests', undefined, vscode.ConfigurationTarget.Global);
	});

	const byName = (suffix: string): GroupNode => groups.find((g) => g.group.name.endsWith(suffix))!;
	const posts = (): number => Object.values(a.demo.running!.stats.actionPosts).reduce((x, y) => x + y, 0);
	const ended = (batchId: string, timeoutMs = 30_000): Promise<NonNullable<ReturnType<SdrsApi['store']['batch']>>> =>
		waitFor(`batch ${batchId} to end`, () => (a.store.batch(batchId)?.endedAt ? a.store.batch(batchId) : undefined), timeoutMs);
	/** Answers the plan with every ticked item, and the typed count with `typed` (the right number when undefined). */
	const answer = (opts: { untick?: string[]; typed?: (n: number) => string; plans?: PlanItem[][]; inputs?: vscode.InputBoxOptions[] } = {}): void => {
		let count = 0;
		a.ports.prompts = {
			...noQuestions,
			confirm: () => Promise.resolve(true),
			alert: (m) => Promise.reject(new Error(`unexpected alert: ${m}`)),
			choose: <T extends vscode.QuickPickItem>(items: readonly T[]) => {
				opts.plans?.push(items as unknown as PlanItem[]);
				const kept = items.filter((i) => i.picked && !opts.untick?.some((u) => i.label.endsWith(u)));
				count = kept.length;
				return Promise.resolve(kept);
			},
			input: (o) => {
				opts.inputs?.push(o);
				return Promise.resolve(opts.typed ? opts.typed(count) : String(count));
			},
		};
	};

	it('plans a project: each group eligible or not and why; unticked and ineligible groups are never sent; a wrong typed count sends nothing', async () => {
		const project = (await a.tree.getChildren()).find((n) => n.type === 'project' && n.project.name === REGION)!;
		const plans: PlanItem[][] = [];
		const inputs: vscode.InputBoxOptions[] = [];
		answer({ untick: ['gz-db-03', 'gz-cache-04'], typed: (n) => String(n + 1), plans, inputs });
		assert.equal(await vscode.commands.executeCommand('sdrs.enableProtectionAgainInProject', project), undefined, 'the wrong number: nothing sent');
		assert.equal(posts(), 0);
		const plan = plans[0].filter((i) => i.entry);
		assert.equal(plan.length, 44);
		assert.equal(plan.filter((i) => i.picked).length, 37);
		const detail = (suffix: string): string => String(plan.find((i) => i.entry!.group.name.endsWith(suffix))?.detail);
		assert.match(detail('gz-web-07'), /^Not eligible, never sent: running in cn-south-1a: gz-web-07-vm1 \(ACTIVE\)/);
		assert.match(detail('gz-batch-12'), /^Not eligible, never sent: 0 replication pairs/);
		assert.match(detail('gz-web-01'), /2 replication pairs · 2 DR-site server\(s\) in cn-south-1a stopped/);
		assert.ok(plans[0].some((i) => i.kind === vscode.QuickPickItemKind.Separator && /Not eligible/.test(i.label)));
		assert.equal(inputs[0].validateInput?.('36'), 'Type 35, the number of groups, to confirm.');
		assert.equal(inputs[0].validateInput?.('35'), undefined);

		answer({ untick: ['gz-db-03', 'gz-cache-04'] });
		const batchId = await vscode.commands.executeCommand<string>('sdrs.enableProtectionAgainInProject', project);
		assert.ok(batchId);
		const batch = await ended(batchId);
		assert.equal(batch.entries.length, 35);
		const counts = batchCounts(batch, (id) => a.store.get(id));
		assert.deepEqual({ succeeded: counts.succeeded, failed: counts.failed, refused: counts.refused }, { succeeded: 33, failed: 2, refused: 0 });
		const sim = a.demo.running!;
		for (const suffix of ['gz-db-03', 'gz-cache-04', 'gz-web-07', 'gz-batch-12']) {
			assert.equal(sim.stats.actionPosts[byName(suffix).group.id], undefined, `${suffix} never sent`);
		}
		for (const e of batch.entries) {
			assert.equal(sim.stats.actionPosts[e.groupId], 1, e.groupName);
		}
		assert.equal(batch.reportedBy, a.store.owner);
	});

	it('Enable Protection for Unprotected Groups plans exactly the project’s available and error-starting groups', async () => {
		const project = (await a.tree.getChildren()).find((n) => n.type === 'project' && n.project.name === 'cn-north-4')!;
		const plans: PlanItem[][] = [];
		answer({ plans, typed: () => '' });
		assert.equal(await vscode.commands.executeCommand('sdrs.enableProtectionInProject', project), undefined);
		const plan = plans[0].filter((i) => i.entry);
		assert.deepEqual(plan.map((i) => i.entry!.group.name).sort(), ['billing-db', 'crm-web', 'hr-portal', 'reporting']);
		assert.deepEqual(
			plan.filter((i) => !i.picked).map((i) => i.entry!.group.name),
			['hr-portal'],
			'no replication pairs: not eligible',
		);
		assert.equal(posts(), 0, 'an empty typed count sends nothing');
	});

	it('acts on the selection: three ctrl-clicked groups become one plan and one batch', async () => {
		const three = [byName('gz-web-01'), byName('gz-api-02'), byName('gz-web-07')];
		const plans: PlanItem[][] = [];
		answer({ plans });
		const batchId = await vscode.commands.executeCommand<string>('sdrs.enableProtectionAgain', three[0], three);
		assert.equal(plans[0].filter((i) => i.entry).length, 3);
		const batch = await ended(batchId);
		assert.deepEqual(batch.entries.map((e) => e.groupName).sort(), ['gz-api-02', 'gz-web-01']);
		// The Jobs view: the batch is one parent, its groups its children.
		const view = new JobsProvider(a.store, a.profiles);
		try {
			const top = view.getChildren().filter((e): e is BatchItem => 'kind' in e && e.kind === 'batch');
			assert.equal(top.length, 1);
			assert.equal(view.getChildren(top[0]).length, 2);
			assert.match(String(view.getTreeItem(top[0]).contextValue), /^batch finished/);
			assert.equal(view.getChildren().filter((e) => !('kind' in e)).length, 0, 'its jobs are not listed again at the top');
		} finally {
			view.dispose();
		}
		await vscode.commands.executeCommand('sdrs.copyBatchSummary', { kind: 'batch', batch });
		const md = await vscode.env.clipboard.readText();
		assert.match(md, /\| Profile \| Account \| Region \| Project \| Protection group \| Action \| Job ID \| Started \| Ended \| Outcome \|/);
		assert.equal(md.split('\n').filter((l) => /\| gz-/.test(l)).length, 2);
	});

	it('paces under 429: the throttled POSTs go again after a pause, and every group gets exactly one job', async () => {
		const sim = a.demo.running!;
		sim.configure({ faults: [{ match: '^POST .*/action$', kind: '429', count: 2 }] });
		const six = ['gz-web-01', 'gz-api-02', 'gz-db-03', 'gz-cache-04', 'gz-mq-05', 'gz-batch-06'].map(byName);
		answer();
		const batchId = await vscode.commands.executeCommand<string>('sdrs.enableProtectionAgain', six[0], six);
		const batch = await ended(batchId);
		assert.equal(sim.stats.faults['429'], 2);
		assert.equal(posts(), 6 + 2);
		for (const e of batch.entries) {
			assert.equal(sim.stats.jobsCreated[e.groupId], 1, e.groupName);
		}
		assert.equal(batchCounts(batch, (id) => a.store.get(id)).succeeded, 6);
	});

	it('Stop sends nothing more; what was sent is followed to its end', async () => {
		await vscode.workspace.getConfiguration('sdrs').update('maxConcurrentRequests', 1, vscode.ConfigurationTarget.Global);
		groups = await groupsOf(a, REGION);
		const sim = a.demo.running!;
		sim.configure({ latencyMs: 200 });
		const ten = groups.filter((g) => !/-(07|19|31|40|12|27|38|15|33)$/.test(g.group.name)).slice(0, 10);
		answer();
		const batchId = await vscode.commands.executeCommand<string>('sdrs.enableProtectionAgain', ten[0], ten);
		await waitFor('two POSTs', () => Object.keys(sim.stats.jobsCreated).length >= 2 || undefined);
		assert.equal(await vscode.commands.executeCommand('sdrs.stopBatch', { kind: 'batch', batch: a.store.batch(batchId) }), true);
		const batch = await ended(batchId);
		const sent = Object.keys(sim.stats.actionPosts).length;
		const counts = batchCounts(batch, (id) => a.store.get(id));
		assert.ok(sent < 10, `sent ${sent}`);
		assert.equal(counts.unsent, 10 - sent);
		assert.equal(counts.succeeded, sent);
		assert.equal(batch.stopped, true);
	});

	it('a lost answer inside a batch is reconciled from its group, and never sent twice', async () => {
		const sim = a.demo.running!;
		sim.configure({ faults: [{ match: '^POST .*/action$', kind: 'late-apply', count: 1, applyAfterMs: 800 }] });
		const three = ['gz-web-01', 'gz-api-02', 'gz-db-03'].map(byName);
		answer();
		const batchId = await vscode.commands.executeCommand<string>('sdrs.enableProtectionAgain', three[0], three);
		const batch = await ended(batchId);
		const lost = a.store.jobsOf(batchId).filter((j) => j.trackBy === 'group');
		assert.equal(lost.length, 1);
		assert.equal(lost[0].outcome, 'SUCCESS');
		for (const e of batch.entries) {
			assert.equal(sim.stats.actionPosts[e.groupId], 1, e.groupName);
		}
	});

	it('a reload mid-batch: sent jobs are followed to their end, unsent groups are reported, nothing is sent by the new window', async () => {
		await vscode.workspace.getConfiguration('sdrs').update('maxConcurrentRequests', 1, vscode.ConfigurationTarget.Global);
		groups = await groupsOf(a, REGION);
		const sim = a.demo.running!;
		sim.configure({ latencyMs: 150 });
		for (const g of groups) {
			sim.patchGroup(g.group.id, { jobDurationMs: 2000 });
		}
		const six = groups.filter((g) => !/-(07|19|31|40|12|27|38|15|33)$/.test(g.group.name)).slice(0, 6);
		answer();
		const batchId = await vscode.commands.executeCommand<string>('sdrs.enableProtectionAgain', six[0], six);
		await waitFor('two POSTs', () => Object.keys(sim.stats.jobsCreated).length >= 2 || undefined);
		await a.workflow.suspend(); // what deactivation does
		await new Promise((r) => setTimeout(r, 500)); // a POST on the wire still lands
		const sent = Object.keys(sim.stats.actionPosts).length;
		assert.equal(a.store.batch(batchId)?.endedAt, undefined, 'not ended: the record waits for the next window');
		assert.ok(a.workflow.resumeAll() >= 1); // what activation does
		const batch = await ended(batchId);
		const counts = batchCounts(batch, (id) => a.store.get(id));
		assert.equal(counts.succeeded, sent, 'every sent job followed to its end');
		assert.equal(counts.unsent, 6 - sent);
		assert.equal(Object.keys(sim.stats.actionPosts).length, sent, 'nothing sent after the reload');
		assert.equal(batch.reportedBy, a.store.owner);
	});
});
