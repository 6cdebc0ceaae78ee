// Recovery plans in a real VS Code: plan files (*.sdrs-plan.json) written into the test workspace and
// run through their commands on the la-south-2 demo groups. A planned failover of three steps with a
// prompt answered, ending with its report in an editor tab; a Failover going past a failed group; a
// rehearsal and Clean Up Drills; a run resumed after the window went away. Only the modals, the
// mode's QuickPick and the typed confirmation are answered, through the prompts seam.
//
// Not here: the refusal in a restricted workspace. The harness opens its workspace with
// --disable-workspace-trust (test/harness/runIntegration.mjs), so this host is always trusted.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { SdrsApi } from '../../src/extension';
import type { StoredPlanRun } from '../../src/core/plans/types';
import { api, groupsOf, noQuestions, previewTabOf, reportNumber, reset, waitFor } from './support';
import type { GroupNode } from '../../src/ui/views/groupsTree';

const REGION = 'la-south-2';

describe('recovery plans in a real VS Code', function () {
	this.timeout(60_000);
	let a: SdrsApi;
	let groups: GroupNode[];
	const written: vscode.Uri[] = [];
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
	afterEach(async () => {
		// A run this suite left unfinished would be resumed by the next suite's reset.
		for (const r of a.workflow.plans.runs.all().filter((x) => !['ended', 'halted', 'stopped'].includes(x.state))) {
			await a.workflow.plans.abandon(r.runId);
		}
		await vscode.commands.executeCommand('workbench.action.closeAllEditors');
		for (const u of written.splice(0)) {
			await vscode.workspace.fs.delete(u).then(undefined, () => undefined);
		}
	});

	const sim = (): NonNullable<SdrsApi['demo']['running']> => a.demo.running!;
	const id = (name: string): string => groups.find((g) => g.group.name === name)!.group.id;
	const posts = (...names: string[]): number[] => names.map((n) => sim().stats.actionPosts[id(n)] ?? 0);
	const stopProduction = (name: string): void => {
		for (const s of sim().serversOf(id(name))) {
			sim().setServerStatus(s.id, 'SHUTOFF');
		}
	};
	const planFile = async (file: string, plan: unknown): Promise<vscode.Uri> => {
		const folder = vscode.workspace.workspaceFolders?.[0];
		assert.ok(folder, 'the harness opens a workspace folder');
		const uri = vscode.Uri.joinPath(folder.uri, 'plans', `${file}.sdrs-plan.json`);
		await vscode.workspace.fs.writeFile(uri, Buffer.from(JSON.stringify(plan, undefined, 2)));
		written.push(uri);
		return uri;
	};
	const runOf = (runId: string): StoredPlanRun | undefined => a.workflow.plans.runs.get(runId);
	const ended = (runId: string, timeoutMs = 30_000): Promise<StoredPlanRun> =>
		waitFor(
			'the run’s end',
			() => {
				const r = runOf(runId);
				return r && ['ended', 'halted', 'stopped'].includes(r.state) ? r : undefined;
			},
			timeoutMs,
		);
	/** The report the run's end opened: the newest Markdown document about this plan, rendered in an editor tab. */
	const reportTab = (planName: string): Promise<vscode.TextDocument> =>
		waitFor('the report rendered in an editor tab', () => {
			const newest = vscode.workspace.textDocuments
				.filter((d) => d.uri.scheme === 'sdrs-report' && d.getText().startsWith(`# Recovery plan “${planName}”`))
				.sort((x, y) => reportNumber(y) - reportNumber(x))[0];
			return newest && previewTabOf(newest) ? newest : undefined;
		});
	/** Answers the mode's picker, the plan's modal and its typed confirmation; records what was asked. */
	const answer = (mode: string | undefined, typed: string, prompts: boolean[] = []): { asked: string[]; inputs: vscode.InputBoxOptions[]; picked: string[] } => {
		const asked: string[] = [];
		const inputs: vscode.InputBoxOptions[] = [];
		const picked: string[] = [];
		a.ports.prompts = {
			...noQuestions,
			pick: <T extends vscode.QuickPickItem>(items: readonly T[]) => {
				picked.push(...items.map((i) => i.label));
				return Promise.resolve(items.find((i) => (i as T & { mode?: string }).mode === mode));
			},
			confirm: (m, d, verb) => {
				asked.push(`${m}\n${d}\n[${verb}]`);
				// The plan's confirmation says Continue…; a prompt step says Continue.
				return Promise.resolve(verb === 'Continue' ? (prompts.shift() ?? false) : true);
			},
			alert: (m, d) => Promise.reject(new Error(`unexpected alert: ${m}\n${d}`)),
			input: (o) => (inputs.push(o), Promise.resolve(typed)),
			decide: (items, o) => {
				asked.push(`${o.title}\n${items.map((i) => i.label).join('\n')}`);
				return Promise.resolve(items.find((i) => i.answer === 'go'));
			},
		};
		return { asked, inputs, picked };
	};

	it('Planned Failover of three steps with a prompt answered: steps in order, each POST once, the report opens naming each step with its RTO', async () => {
		stopProduction('dr-switchover-blocked');
		const uri = await planFile('switch', {
			name: 'Santiago switch',
			project: REGION,
			steps: [
				{ name: 'Databases', groups: ['dr-switchover-ready'] },
				{ name: 'Check', prompt: 'Confirm the database is consistent, then continue.' },
				{ name: 'Web tier', groups: ['dr-switchover-blocked'] },
			],
		});
		const asked = answer('plannedFailover', '2', [true]);
		const runId = await vscode.commands.executeCommand<string>('sdrs.runPlan', uri);
		assert.ok(runId, 'the run started');
		assert.deepEqual(asked.picked, ['Planned Failover (Switchover)', 'Failover', 'Enable Protection Again']);
		const run = await ended(runId);
		assert.equal(run.state, 'ended', JSON.stringify(run.steps));
		assert.deepEqual(
			run.steps.map((s) => s.state),
			['done', 'done', 'done'],
		);
		assert.match(asked.asked[0], /^Planned Failover \(Switchover\): plan “Santiago switch”, 2 protection groups in 3 steps\?/);
		assert.match(asked.asked[0], /Step 1 · Databases:\n• dr-switchover-ready/);
		assert.match(asked.asked[0], /Step 2 · Check: a person confirms: Confirm the database is consistent, then continue\./);
		assert.match(asked.asked[0], /Step 3 · Web tier:\n• dr-switchover-blocked/);
		assert.match(String(asked.inputs[0].prompt), /Type 2, the number of groups, to confirm\./);
		assert.match(asked.asked[1], /^Plan “Santiago switch”, step 2 of 3: Confirm the database is consistent, then continue\./);
		assert.equal(asked.asked.length, 2, 'the confirmation and the one prompt');
		assert.deepEqual(posts('dr-switchover-ready', 'dr-switchover-blocked'), [1, 1]);
		assert.ok(run.steps[2].startedAt! >= run.steps[1].endedAt! && run.steps[1].startedAt! >= run.steps[0].endedAt!, 'each step started after the previous ended');
		for (const n of ['dr-switchover-ready', 'dr-switchover-blocked']) {
			assert.equal(sim().group(id(n))!.priority_station, 'target', `${n} now runs at the other site`);
		}
		const report = (await reportTab('Santiago switch')).getText();
		const sections = report.split(/^## /m).slice(1);
		assert.equal(sections.length, 3);
		assert.match(sections[0], /^Step 1 of 3: Databases · 1 protection groups\n[\s\S]*\*\*Achieved RTO: \d+s \\\(from the confirmation to the step’s last group\\\)\*\*/);
		assert.match(sections[0], /\| dr-switchover-ready \| Planned Failover[^|]* \| [0-9a-f-]+ \|.*\| succeeded \|/);
		assert.match(sections[1], /^Step 2 of 3: Check · a person confirms\n/);
		assert.match(sections[2], /^Step 3 of 3: Web tier · 1 protection groups\n[\s\S]*\*\*Achieved RTO: /);
		assert.match(sections[2], /\| dr-switchover-blocked \| Planned Failover[^|]* \|.*\| succeeded \|/);
	});

	it('Failover goes past a failed group: the plan’s name typed, the failure said, the next step run', async () => {
		sim().patchGroup(id('dr-switchover-ready'), { nextOutcome: 'fail' });
		// Not protected: its status check fails, so it is skipped and the report says which check, in words.
		sim().patchGroup(id('dr-syncing'), { status: 'available' });
		const uri = await planFile('disaster', {
			name: 'Disaster day',
			project: REGION,
			steps: [{ name: 'First', groups: ['dr-switchover-ready', 'dr-failover-degraded'] }, { groups: ['dr-drill-ready', 'dr-syncing'] }],
		});
		const asked = answer('failover', 'Disaster day');
		const runId = await vscode.commands.executeCommand<string>('sdrs.runPlan', uri);
		assert.ok(runId);
		assert.match(String(asked.inputs[0].prompt), /Type the plan’s name to confirm: Disaster day/);
		const run = await ended(runId);
		assert.equal(run.state, 'ended');
		assert.deepEqual(
			run.steps.map((s) => s.state),
			['failed', 'done'],
		);
		assert.deepEqual(
			run.steps.flatMap((s) => s.groups!.map((g) => [g.groupName, g.end])),
			[
				['dr-switchover-ready', 'failed'],
				['dr-failover-degraded', 'succeeded'],
				['dr-drill-ready', 'succeeded'],
				['dr-syncing', 'skipped'],
			],
		);
		assert.deepEqual(posts('dr-switchover-ready', 'dr-failover-degraded', 'dr-drill-ready', 'dr-syncing'), [1, 1, 1, 0]);
		assert.equal(sim().group(id('dr-switchover-ready'))!.status, 'error-failing-over');
		const report = (await reportTab('Disaster day')).getText();
		assert.match(report, /This mode goes on past a failed group: check every step below\./);
		assert.match(report, /^State: done, with failures/m);
		assert.match(report, /\| dr-switchover-ready \| Failover \|.*\| failed/);
		// The check in the report's words (checkText), not the English kept for the log ("status: …").
		assert.match(report, /\| dr-syncing \| Failover \|.*\| skipped: a pre-flight check failed \\\(Live status allows the action: status is available;/);
	});

	it('rehearses a plan (a DR drill per group), then Clean Up Drills deletes them after one confirmation', async () => {
		const uri = await planFile('rehearsal', {
			name: 'Rehearsal',
			project: REGION,
			steps: [{ groups: ['dr-drill-ready', 'dr-syncing'] }, { groups: ['dr-switchover-ready'] }],
		});
		const drillsBefore = new Set(sim().data.drills.map((d) => d.id));
		const asked = answer(undefined, '3');
		const runId = await vscode.commands.executeCommand<string>('sdrs.drillPlan', uri);
		assert.ok(runId);
		assert.equal(asked.picked.length, 0, 'no mode to pick');
		const run = await ended(runId);
		assert.equal(run.state, 'ended', JSON.stringify(run.steps));
		const made = run.steps.flatMap((s) => s.groups!);
		assert.deepEqual(
			made.map((g) => g.end),
			['succeeded', 'succeeded', 'succeeded'],
		);
		assert.equal(Object.keys(sim().stats.actionPosts).length, 0, 'no group action was sent');
		const created = sim().data.drills.filter((d) => !drillsBefore.has(d.id));
		assert.deepEqual(created.map((d) => d.id).sort(), made.map((g) => g.drill!.id).sort());
		const report = (await reportTab('Rehearsal')).getText();
		assert.match(report, /Reminder: run “Clean Up Drills” to delete these drills and their servers\./);

		// One drill deleted meanwhile outside the extension (the console): Clean Up finds it gone
		// (SDRS.1902) and counts it as cleaned up, not as a failure to retry forever.
		const deletedElsewhere = made[0].drill!.id!;
		sim().data.drills.splice(
			sim().data.drills.findIndex((d) => d.id === deletedElsewhere),
			1,
		);
		asked.asked.length = 0;
		const deleted = await vscode.commands.executeCommand<number>('sdrs.cleanUpPlanDrills', runId);
		assert.equal(deleted, 3);
		assert.ok(
			runOf(runId)!
				.steps.flatMap((s) => s.groups ?? [])
				.every((g) => !g.drill?.id || g.drill.deletedAt),
			'each drill recorded as deleted (or found gone)',
		);
		assert.match(asked.asked[0], /^Delete the 3 DR drills rehearsal “Rehearsal” created\?/);
		const lines = asked.asked[0].split('\n').slice(1);
		assert.deepEqual(lines.slice(0, 2), ['Cancel', 'Delete 3 Drills'], 'Cancel first (selected), the action second');
		assert.equal(lines.filter((l) => /^“.+” of “(dr-drill-ready|dr-syncing|dr-switchover-ready)”: 2 drill server\(s\)/.test(l)).length, 3, 'each drill named with its servers');
		const left = new Set(sim().data.drills.map((d) => d.id));
		assert.deepEqual(
			created.filter((d) => left.has(d.id)).map((d) => d.id),
			[],
			'the rehearsal’s drills are gone',
		);
		assert.ok(runOf(runId)!.cleanedUpAt, 'the report stops reminding');
	});

	it('after the window goes away mid-step the run is paused: the step’s batch is followed, nothing new is sent until Continue', async () => {
		stopProduction('dr-switchover-blocked');
		sim().patchGroup(id('dr-switchover-ready'), { jobDurationMs: 2500 });
		const uri = await planFile('resume', {
			name: 'Resumed',
			project: REGION,
			steps: [{ groups: ['dr-switchover-ready'] }, { groups: ['dr-switchover-blocked'] }],
		});
		answer('plannedFailover', '2');
		const runId = await vscode.commands.executeCommand<string>('sdrs.runPlan', uri);
		assert.ok(runId);
		await waitFor('step 1 sent', () => posts('dr-switchover-ready')[0] === 1 || undefined);
		// The window goes away (its runs left as recorded, leases given up) and comes back.
		await a.workflow.suspend();
		assert.ok(a.workflow.resumeAll() >= 1);
		await waitFor('the run paused', () => runOf(runId)?.state === 'paused' || undefined);
		await waitFor('step 1’s job followed to its end', () => runOf(runId) && a.store.batches().find((b) => b.batchId === runOf(runId)!.steps[0].batchId)?.endedAt, 15_000);
		await new Promise((r) => setTimeout(r, 1000));
		assert.deepEqual(posts('dr-switchover-ready', 'dr-switchover-blocked'), [1, 0], 'no new step without the user');
		assert.equal(runOf(runId)!.state, 'paused');
		// Continue Plan (the Jobs view offers it on a paused run; the Command Palette in a trusted window).
		const end = (await vscode.commands.executeCommand<StoredPlanRun | undefined>('sdrs.continuePlan', runId))!;
		assert.equal(end.state, 'ended');
		assert.deepEqual(
			end.steps.map((s) => s.state),
			['done', 'done'],
		);
		assert.deepEqual(posts('dr-switchover-ready', 'dr-switchover-blocked'), [1, 1], 'each POST once across the reload');
		await reportTab('Resumed');
	});
});
