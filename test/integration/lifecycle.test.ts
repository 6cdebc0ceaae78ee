// Disable Protection, Planned Failover and Failover in a real VS Code, through their commands on the
// la-south-2 demo groups: the confirmation each asks (Failover's typed name refused when wrong),
// one POST, the job to its end, the tree showing the new production site; the refusals that name
// the fix; a batch of failovers with one group refused. Only the modal, the QuickPick and the input
// box are answered through the prompts seam.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { batchCounts } from '../../src/core/batch';
import type { SdrsApi } from '../../src/extension';
import type { PlanItem } from '../../src/ui/commands/batch';
import type { GroupNode } from '../../src/ui/views/groupsTree';
import { api, groupsOf, noQuestions, outcomeOf, reset, waitFor } from './support';

const REGION = 'la-south-2';

describe('the DR lifecycle (Disable, Planned Failover, Failover) in a real VS Code', () => {
	let a: SdrsApi;
	let groups: GroupNode[];
	before(async () => {
		a = await api();
	});
	beforeEach(async () => {
		await reset(a);
		groups = await groupsOf(a, REGION);
		for (const g of groups) {
			a.demo.running!.patchGroup(g.group.id, { jobDurationMs: 600 });
		}
	});

	const byName = (name: string): GroupNode => groups.find((g) => g.group.name === name)!;
	const posts = (g: GroupNode): number => a.demo.running!.stats.actionPosts[g.group.id] ?? 0;
	const shown = (g: GroupNode): GroupNode | undefined => a.tree.findGroup(g.profile.id, g.project.id, g.group.id);
	/** The tooltip's “Current production site” row, as shown (unescaped). */
	const production = (g: GroupNode): string | undefined =>
		/\*\*Current production site:\*\* (.*?) {2}\n/
			.exec((a.tree.getTreeItem(shown(g)!).tooltip as vscode.MarkdownString).value)?.[1]
			.replace(/&nbsp;/g, ' ')
			.replace(/\\/g, '');
	/** Runs `command` on `g`, confirming (and typing `typed` when asked), and waits for the job's end. */
	const run = async (command: string, g: GroupNode, typed?: string): Promise<{ asked: string[]; inputs: vscode.InputBoxOptions[]; outcome?: string }> => {
		const asked: string[] = [];
		const inputs: vscode.InputBoxOptions[] = [];
		a.ports.prompts = {
			...noQuestions,
			confirm: (m, d, verb) => (asked.push(`${m}\n${d}\n[${verb}]`), Promise.resolve(true)),
			alert: (m, d) => Promise.reject(new Error(`unexpected alert: ${m}\n${d}`)),
			input: (o) => (inputs.push(o), Promise.resolve(typed)),
		};
		const result = await vscode.commands.executeCommand(command, shown(g) ?? g);
		if (result !== 'started') {
			return { asked, inputs };
		}
		const jobId = a.store.all().find((j) => j.groupId === g.group.id && !j.outcome)!.jobId;
		const outcome = await waitFor('the job outcome', () => outcomeOf(a, jobId));
		return { asked, inputs, outcome };
	};

	it('Disable Protection: a modal naming the consequence, one POST, the group available', async () => {
		const g = byName('dr-switchover-ready');
		const { asked, inputs, outcome } = await run('sdrs.disableProtection', g);
		assert.equal(outcome, 'SUCCESS');
		assert.match(asked[0], /^Disable Protection for protection group “dr-switchover-ready” in account sdrs-demo \([0-9a-f]{32}\)\?/);
		assert.match(asked[0], /Replication stops: data written at the production site from now on is not copied/);
		assert.match(asked[0], /\[Disable Protection\]$/);
		assert.equal(inputs.length, 0, 'no typed name');
		assert.equal(posts(g), 1);
		await waitFor('available in the tree', () => shown(g)?.group.status === 'available' || undefined);
	});

	it('Planned Failover: the direction and the servers checked, then production at the other site in the tree', async () => {
		const g = byName('dr-switchover-ready');
		assert.equal(production(g), 'la-south-2a (source)');
		const { asked, inputs, outcome } = await run('sdrs.plannedFailover', g);
		assert.equal(outcome, 'SUCCESS');
		assert.match(asked[0], /Production moves from la-south-2a to la-south-2b\./);
		assert.match(asked[0], /✓ Every server at the current production site is stopped — 2 production server\(s\) in la-south-2a stopped/);
		assert.match(asked[0], /power on the servers at the new production site yourself/);
		assert.equal(inputs.length, 0);
		assert.equal(posts(g), 1);
		assert.equal(a.demo.running!.group(g.group.id)?.priority_station, 'target');
		await waitFor('the new production site in the tree', () => shown(g)?.group.priorityStation === 'target' || undefined);
		assert.equal(shown(g)!.group.status, 'protected');
		assert.equal(production(g), 'la-south-2b (target)');
	});

	it('Failover: the modal, then the group’s name typed; a wrong name sends nothing, the right one fails over', async () => {
		const g = byName('dr-failover-degraded');
		const wrong = await run('sdrs.failover', g, 'dr-failover');
		assert.equal(wrong.outcome, undefined);
		assert.equal(posts(g), 0, 'a wrong name sends nothing');
		assert.match(wrong.asked[0], /^Failover for protection group “dr-failover-degraded” in account sdrs-demo \([0-9a-f]{32}\)\?/);
		assert.match(wrong.asked[0], /Production moves from la-south-2a to la-south-2b\./);
		assert.match(wrong.asked[0], /Replication stops at once .* only Enable Protection Again brings the group back/s);
		assert.match(wrong.asked[0], /production disk failing: dr-failover-degraded-rep1; failover is advised/);
		assert.match(wrong.asked[0], /\[Continue…\]$/);
		assert.match(String(wrong.inputs[0].prompt), /Type the name of the protection group to confirm: dr-failover-degraded/);
		assert.equal(wrong.inputs[0].validateInput?.('dr-failover'), 'Type the name exactly as shown.');
		assert.equal(wrong.inputs[0].validateInput?.('dr-failover-degraded'), undefined);

		const right = await run('sdrs.failover', g, 'dr-failover-degraded');
		assert.equal(right.outcome, 'SUCCESS');
		assert.equal(posts(g), 1);
		const sg = a.demo.running!.group(g.group.id)!;
		assert.deepEqual([sg.status, sg.priority_station], ['failed-over', 'target']);
		await waitFor('failed-over in the tree', () => (shown(g)?.group.status === 'failed-over' && shown(g)?.group.priorityStation === 'target') || undefined);
		assert.equal(production(g), 'la-south-2b (target)');
		assert.match(String(a.tree.getTreeItem(shown(g)!).contextValue), /\bcanEnableAgain\b/, 'the next step is offered');
	});

	it('the walkthrough’s loop on dr-switchover-ready works in the demo as it says, with no server touched: Failover → Enable Protection Again → Planned Failover back', async () => {
		const g = byName('dr-switchover-ready');
		assert.equal((await run('sdrs.failover', g, 'dr-switchover-ready')).outcome, 'SUCCESS');
		await waitFor('failed-over in the tree', () => shown(g)?.group.status === 'failed-over' || undefined);
		assert.equal(production(g), 'la-south-2b (target)');
		assert.equal((await run('sdrs.enableProtectionAgain', g)).outcome, 'SUCCESS');
		await waitFor('protected in the tree', () => shown(g)?.group.status === 'protected' || undefined);
		assert.equal(production(g), 'la-south-2b (target)');
		const back = await run('sdrs.plannedFailover', g);
		assert.equal(back.outcome, 'SUCCESS');
		assert.match(back.asked[0], /Production moves from la-south-2b to la-south-2a\./);
		await waitFor('production back at la-south-2a', () => shown(g)?.group.priorityStation === 'source' || undefined);
		assert.equal(production(g), 'la-south-2a (source)');
		assert.equal(posts(g), 3);
	});

	for (const [name, command, expect] of [
		[
			'dr-switchover-blocked',
			'sdrs.plannedFailover',
			/✗ Every server at the current production site is stopped — running in la-south-2a: dr-switchover-blocked-vm1 \(ACTIVE\)[\s\S]*Stop these servers in the ECS console and wait until they show Stopped: dr-switchover-blocked-vm1/,
		],
		[
			'dr-syncing',
			'sdrs.plannedFailover',
			/✗ No replication pair is still synchronising — still synchronising: dr-syncing-rep1, dr-syncing-rep2[\s\S]*Wait until every replication pair is synchronised/,
		],
		['dr-failover-broken', 'sdrs.failover', /✗ No replication link is broken — replication link broken: dr-failover-broken-rep1[\s\S]*contact Huawei Cloud support/],
	] as const) {
		it(`refuses before anything is asked or sent: ${name} (${command})`, async () => {
			const g = byName(name);
			const alerts: string[] = [];
			a.ports.prompts = { ...noQuestions, confirm: () => Promise.reject(new Error('must not ask')), alert: (m, d) => (alerts.push(`${m}\n${d}`), Promise.resolve()) };
			assert.equal(await vscode.commands.executeCommand(command, g), 'refused');
			assert.match(alerts[0], /cannot run on .*: a pre-flight check failed\./);
			assert.match(alerts[0], expect);
			assert.equal(posts(g), 0);
		});
	}

	it('a batch of failovers from a selection: the broken group is shown ineligible and never sent, the typed count sends the rest once', async () => {
		const chosen = ['dr-switchover-ready', 'dr-failover-degraded', 'dr-failover-broken', 'dr-drill-ready'].map(byName);
		const plans: PlanItem[][] = [];
		const inputs: vscode.InputBoxOptions[] = [];
		a.ports.prompts = {
			...noQuestions,
			confirm: () => Promise.reject(new Error('a batch of several asks for the count')),
			alert: (m) => Promise.reject(new Error(`unexpected alert: ${m}`)),
			choose: <T extends vscode.QuickPickItem>(items: readonly T[]) => (plans.push(items as unknown as PlanItem[]), Promise.resolve(items.filter((i) => i.picked))),
			input: (o) => (inputs.push(o), Promise.resolve('3')),
		};
		const batchId = await vscode.commands.executeCommand<string>('sdrs.failover', chosen[0], chosen);
		assert.ok(batchId);
		const plan = plans[0].filter((i) => i.entry);
		assert.equal(plan.length, 4);
		assert.deepEqual(
			plan.filter((i) => !i.picked).map((i) => i.entry!.group.name),
			['dr-failover-broken'],
		);
		assert.match(String(plan.find((i) => i.entry!.group.name === 'dr-failover-broken')!.detail), /^Not eligible, never sent: replication link broken: dr-failover-broken-rep1/);
		assert.match(String(inputs[0].prompt), /Replication stops at once[\s\S]*Type 3 to confirm/);
		const batch = await waitFor('the batch to end', () => (a.store.batch(batchId)?.endedAt ? a.store.batch(batchId) : undefined), 30_000);
		assert.equal(batchCounts(batch, (id) => a.store.get(id)).succeeded, 3);
		for (const g of chosen) {
			const broken = g.group.name === 'dr-failover-broken';
			assert.equal(posts(g), broken ? 0 : 1, g.group.name);
			const sg = a.demo.running!.group(g.group.id)!;
			assert.deepEqual([sg.status, sg.priority_station], broken ? ['protected', 'source'] : ['failed-over', 'target'], g.group.name);
		}
	});

	it('a failover batch left with one group still asks for that group’s name typed, and the direction', async () => {
		const chosen = ['dr-failover-degraded', 'dr-failover-broken'].map(byName);
		const asked: string[] = [];
		const inputs: vscode.InputBoxOptions[] = [];
		a.ports.prompts = {
			...noQuestions,
			confirm: (m, d) => (asked.push(`${m}\n${d}`), Promise.resolve(true)),
			alert: (m) => Promise.reject(new Error(`unexpected alert: ${m}`)),
			choose: <T extends vscode.QuickPickItem>(items: readonly T[]) => Promise.resolve(items.filter((i) => i.picked)),
			input: (o) => (inputs.push(o), Promise.resolve('wrong')),
		};
		assert.equal(await vscode.commands.executeCommand('sdrs.failover', chosen[0], chosen), undefined);
		assert.match(asked[0], /Production moves from la-south-2a to la-south-2b\./);
		assert.match(String(inputs[0]?.prompt), /Type the name of the protection group to confirm: dr-failover-degraded/);
		assert.equal(posts(chosen[0]) + posts(chosen[1]), 0, 'a wrong name sends nothing');
	});

	it('Fail Over Protected Groups… plans every protected group of the project', async () => {
		const project = (await a.tree.getChildren()).find((n) => n.type === 'project' && n.project.name === REGION)!;
		const plans: PlanItem[][] = [];
		a.ports.prompts = {
			...noQuestions,
			confirm: () => Promise.reject(new Error('unexpected modal')),
			alert: (m) => Promise.reject(new Error(`unexpected alert: ${m}`)),
			choose: <T extends vscode.QuickPickItem>(items: readonly T[]) => (plans.push(items as unknown as PlanItem[]), Promise.resolve(undefined)),
		};
		assert.equal(await vscode.commands.executeCommand('sdrs.failoverInProject', project), undefined);
		const plan = plans[0].filter((i) => i.entry);
		assert.deepEqual(
			plan.map((i) => i.entry!.group.name).sort(),
			groups
				.filter((g) => g.group.status === 'protected')
				.map((g) => g.group.name)
				.sort(),
		);
		assert.deepEqual(
			plan.filter((i) => !i.picked).map((i) => i.entry!.group.name),
			['dr-failover-broken'],
		);
		assert.equal(
			groups.reduce((n, g) => n + posts(g), 0),
			0,
			'dismissed: nothing sent',
		);
	});
});
