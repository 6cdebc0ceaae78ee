// Disable Protection, Planned Failover and Failover in a real VS Code, through their commands on the
// la-south-2 demo groups: the confirmation each asks (Failover's typed name refused when wrong),
// one POST, the job to its end, the tree showing the new production site; the refusals that name
// the fix; a batch of failovers with one group refused; the Jobs view and the summaries naming the
// action and the direction. Only the modal, the QuickPicks (the plan; Disable's question, whose
// selected answer is Cancel) and the input box are answered through the prompts seam.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { batchCounts } from '../../src/core/batch';
import type { SdrsApi } from '../../src/extension';
import type { PlanItem } from '../../src/ui/commands/batch';
import type { DecisionItem } from '../../src/ui/services/decide';
import { JobsProvider, type BatchItem } from '../../src/ui/views/jobsView';
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
	/** A Cancel-first question as asked: its title, placeholder and items. */
	interface Decision {
		title: string;
		placeholder: string;
		items: readonly DecisionItem[];
	}
	/** The lines of a Cancel-first question, as shown (separators as “— heading —”). */
	const linesOf = (d: Decision): string => d.items.map((i) => (i.kind === vscode.QuickPickItemKind.Separator ? `— ${i.label} —` : i.label)).join('\n');
	/**
	 * Runs `command` on `g`, confirming (typing `typed` when asked; in a Cancel-first question,
	 * choosing `answer`), and waits for the job's end.
	 */
	const run = async (
		command: string,
		g: GroupNode,
		typed?: string,
		answer: 'go' | 'cancel' | 'dismiss' = 'go',
	): Promise<{ asked: string[]; inputs: vscode.InputBoxOptions[]; decisions: Decision[]; outcome?: string; jobId?: string }> => {
		const asked: string[] = [];
		const inputs: vscode.InputBoxOptions[] = [];
		const decisions: Decision[] = [];
		a.ports.prompts = {
			...noQuestions,
			confirm: (m, d, verb) => (asked.push(`${m}\n${d}\n[${verb}]`), Promise.resolve(true)),
			alert: (m, d) => Promise.reject(new Error(`unexpected alert: ${m}\n${d}`)),
			input: (o) => (inputs.push(o), Promise.resolve(typed)),
			decide: (items, o) => (decisions.push({ ...o, items }), Promise.resolve(answer === 'dismiss' ? undefined : items.find((i) => i.answer === answer))),
		};
		const result = await vscode.commands.executeCommand(command, shown(g) ?? g);
		if (result !== 'started') {
			return { asked, inputs, decisions };
		}
		const jobId = a.store.all().find((j) => j.groupId === g.group.id && !j.outcome)!.jobId;
		const outcome = await waitFor('the job outcome', () => outcomeOf(a, jobId));
		return { asked, inputs, decisions, outcome, jobId };
	};

	it('Disable Protection: Cancel is the selected answer, the action second, then what stops and what is kept; one POST, the group available', async () => {
		const g = byName('dr-switchover-ready');
		const { asked, inputs, decisions, outcome } = await run('sdrs.disableProtection', g);
		assert.equal(outcome, 'SUCCESS');
		assert.equal(asked.length, 0, 'no modal: its action button would have the focus');
		assert.equal(inputs.length, 0, 'no typed name');
		const [d] = decisions;
		assert.match(d.title, /^Disable Protection for protection group “dr-switchover-ready” in account sdrs-demo \([0-9a-f]{32}\)\?$/);
		assert.equal(d.placeholder, 'Cancel is selected: Enter sends nothing. To go ahead, choose “Disable Protection”.');
		assert.deepEqual(
			d.items.slice(0, 2).map((i) => [i.label, i.answer]),
			[
				['Cancel', 'cancel'],
				['Disable Protection', 'go'],
			],
			'Cancel first (the active item), the action second',
		);
		assert.deepEqual(
			d.items.filter((i) => i.answer).map((i) => i.answer),
			['cancel', 'go'],
			'every other line only says something',
		);
		const pairs = g.group.replicationNum;
		assert.ok(pairs > 0);
		assert.equal(
			linesOf(d).split('\n').slice(2, 7).join('\n'),
			[
				'— What it does —',
				`Stops: replication from la-south-2a to la-south-2b (${pairs} replication pairs).`,
				'Not protected: data written at la-south-2a from now on is not copied to la-south-2b.',
				'Kept: the group, its servers and disks, and its replication pairs.',
				'To protect it again: Enable Protection (replication starts again).',
			].join('\n'),
		);
		assert.match(linesOf(d), /— Pre-flight checks —\n✓ Live status allows the action — status is protected\n/);
		assert.equal(posts(g), 1);
		await waitFor('available in the tree', () => shown(g)?.group.status === 'available' || undefined);
	});

	it('Disable Protection answered Cancel, or dismissed, sends nothing', async () => {
		const g = byName('dr-switchover-ready');
		for (const answer of ['cancel', 'dismiss'] as const) {
			const { decisions, outcome } = await run('sdrs.disableProtection', g, undefined, answer);
			assert.equal(decisions.length, 1, answer);
			assert.equal(outcome, undefined, answer);
		}
		assert.equal(posts(g), 0);
		assert.equal(a.demo.running!.group(g.group.id)?.status, 'protected');
	});

	it('a Disable batch left with one group asks the same Cancel-first question, and Cancel sends nothing', async () => {
		const chosen = ['dr-switchover-ready', 'dr-drill-ready'].map(byName);
		const decisions: Decision[] = [];
		const inputs: vscode.InputBoxOptions[] = [];
		a.ports.prompts = {
			...noQuestions,
			confirm: () => Promise.reject(new Error('no modal for Disable')),
			alert: (m) => Promise.reject(new Error(`unexpected alert: ${m}`)),
			// The plan: only the first group kept ticked.
			choose: <T extends vscode.QuickPickItem>(items: readonly T[]) => Promise.resolve(items.filter((i) => i.picked).slice(0, 1)),
			input: (o) => (inputs.push(o), Promise.resolve('1')),
			decide: (items, o) => (decisions.push({ ...o, items }), Promise.resolve(items.find((i) => i.answer === 'cancel'))),
		};
		assert.equal(await vscode.commands.executeCommand('sdrs.disableProtection', chosen[0], chosen), undefined);
		assert.equal(inputs.length, 0);
		assert.equal(decisions.length, 1);
		assert.equal(decisions[0].items[0].answer, 'cancel');
		assert.match(decisions[0].title, /^Disable Protection for protection group “dr-switchover-ready”/);
		assert.equal(posts(chosen[0]) + posts(chosen[1]), 0, 'Cancel sends nothing');
	});

	it('Planned Failover: the direction and the servers checked, then production at the other site in the tree', async () => {
		const g = byName('dr-switchover-ready');
		assert.equal(production(g), 'la-south-2a (source)');
		const { asked, inputs, outcome } = await run('sdrs.plannedFailover', g);
		assert.equal(outcome, 'SUCCESS');
		const names = a.demo
			.running!.serversOf(g.group.id)
			.filter((s) => s.az === 'la-south-2a')
			.map((s) => s.name);
		assert.equal(names.length, 2);
		assert.match(asked[0], /Production moves from la-south-2a to la-south-2b\./);
		for (const name of names) {
			assert.match(asked[0], new RegExp(`Checked: the servers at la-south-2a are stopped: [^\n]*\\b${name}\\b`), 'the servers checked, by name');
		}
		assert.match(asked[0], /Afterwards, power on the servers at la-south-2b yourself: SDRS does not start them\./);
		assert.match(asked[0], /✓ Every server at the current production site is stopped — 2 production server\(s\) in la-south-2a stopped: /);
		assert.match(asked[0], /power on the servers at the new production site yourself/);
		assert.equal(inputs.length, 0);
		assert.equal(posts(g), 1);
		assert.equal(a.demo.running!.group(g.group.id)?.priority_station, 'target');
		await waitFor('the new production site in the tree', () => shown(g)?.group.priorityStation === 'target' || undefined);
		assert.equal(shown(g)!.group.status, 'protected');
		assert.equal(production(g), 'la-south-2b (target)');
	});

	it('the Jobs view and Copy Job Summary name the action and the direction of a planned failover', async () => {
		const g = byName('dr-switchover-ready');
		const { outcome, jobId } = await run('sdrs.plannedFailover', g);
		assert.equal(outcome, 'SUCCESS');
		const job = a.store.get(jobId!)!;
		const view = new JobsProvider(a.store, a.profiles);
		try {
			const item = view.getTreeItem(job);
			assert.match(String(item.description), /^Planned Failover \(Switchover\) · la-south-2a \(source\) → la-south-2b \(target\) · succeeded · /);
			assert.match(String(item.accessibilityInformation?.label), /production from la-south-2a \(source\) to la-south-2b \(target\)/);
		} finally {
			view.dispose();
		}
		await vscode.commands.executeCommand('sdrs.copyJobSummary', job);
		const md = await vscode.env.clipboard.readText();
		assert.match(md, /### SDRS: Planned Failover \\\(Switchover\\\) — dr-switchover-ready/);
		assert.match(md, /\| Action \| Planned Failover \\\(Switchover\\\) \\\(reverse-server-group\\\) \|/);
		assert.match(md, /\| Direction \| production from la-south-2a \\\(source\\\) to la-south-2b \\\(target\\\) \|/);
		// A record from before the AZs were kept still names the sites.
		const old = { ...job, before: { status: 'protected', priorityStation: 'source' } };
		await vscode.commands.executeCommand('sdrs.copyJobSummary', old);
		assert.match(await vscode.env.clipboard.readText(), /\| Direction \| production from source to target \|/);
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
		// The Jobs view and Copy Summary name the action and the direction.
		const view = new JobsProvider(a.store, a.profiles);
		try {
			const parent = view.getChildren().find((e): e is BatchItem => 'kind' in e && e.kind === 'batch' && e.batch.batchId === batchId)!;
			assert.equal(view.getTreeItem(parent).label, 'Failover · la-south-2a (source) → la-south-2b (target) · 3 protection groups');
		} finally {
			view.dispose();
		}
		await vscode.commands.executeCommand('sdrs.copyBatchSummary', { kind: 'batch', batch });
		const md = await vscode.env.clipboard.readText();
		assert.match(md, /\| Profile \| Account \| Region \| Project \| Protection group \| Action \| Direction \| Job ID \| Started \| Ended \| Outcome \|/);
		const rows = md.split('\n').filter((l) => /\| dr-/.test(l));
		assert.equal(rows.length, 3);
		for (const row of rows) {
			assert.match(row, /\| Failover \| la-south-2a \\\(source\\\) → la-south-2b \\\(target\\\) \| /);
		}
		for (const g of chosen) {
			const broken = g.group.name === 'dr-failover-broken';
			assert.equal(posts(g), broken ? 0 : 1, g.group.name);
			const sg = a.demo.running!.group(g.group.id)!;
			assert.deepEqual([sg.status, sg.priority_station], broken ? ['protected', 'source'] : ['failed-over', 'target'], g.group.name);
		}
	});

	it('a planned failover batch names each direction, the servers checked and the power-on step; each group’s servers in the plan', async () => {
		const chosen = ['dr-switchover-ready', 'dr-drill-ready'].map(byName);
		for (const s of a.demo.running!.serversOf(chosen[1].group.id).filter((x) => x.az === 'la-south-2a')) {
			a.demo.running!.setServerStatus(s.id, 'SHUTOFF');
		}
		const plans: PlanItem[][] = [];
		const inputs: vscode.InputBoxOptions[] = [];
		a.ports.prompts = {
			...noQuestions,
			alert: (m) => Promise.reject(new Error(`unexpected alert: ${m}`)),
			confirm: () => Promise.reject(new Error('a batch of several asks for the count')),
			choose: <T extends vscode.QuickPickItem>(items: readonly T[]) => (plans.push(items as unknown as PlanItem[]), Promise.resolve(items.filter((i) => i.picked))),
			input: (o) => (inputs.push(o), Promise.resolve('')),
		};
		assert.equal(await vscode.commands.executeCommand('sdrs.plannedFailover', chosen[0], chosen), undefined);
		for (const g of chosen) {
			const item = plans[0].find((i) => i.entry?.group.id === g.group.id)!;
			assert.ok(item.picked, g.group.name);
			assert.match(String(item.description), /^Protected · la-south-2a \(source\) → la-south-2b \(target\)$/);
			for (const s of a.demo.running!.serversOf(g.group.id).filter((x) => x.az === 'la-south-2a')) {
				assert.match(String(item.detail), new RegExp(`production server\\(s\\) in la-south-2a stopped: [^·]*\\b${s.name}\\b`), `${g.group.name}: ${s.name}`);
			}
		}
		const stopped = chosen.reduce((n, g) => n + a.demo.running!.serversOf(g.group.id).filter((x) => x.az === 'la-south-2a').length, 0);
		assert.match(
			String(inputs[0].prompt),
			new RegExp(
				`Production moves: la-south-2a \\(source\\) → la-south-2b \\(target\\) \\(2 groups\\)\\. Checked: ${stopped} servers at the production sites are stopped \\(each group’s are named in the plan\\)\\. Afterwards, power on the servers at la-south-2b yourself: SDRS does not start them\\.`,
			),
		);
		assert.equal(posts(chosen[0]) + posts(chosen[1]), 0, 'no count typed: nothing sent');
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
