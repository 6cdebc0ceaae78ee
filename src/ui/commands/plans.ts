// Running a recovery plan from the editor: Run Plan… (the mode chosen), Rehearse Plan (DR drills),
// Clean Up Drills, Stop, and the run report. The plan comes from a file Uri (CodeLens, explorer),
// the active editor, or a *.sdrs-plan.json picked in the workspace. A plan is hostile input: in a
// restricted workspace nothing is run, and its words are shown as text only.
import * as vscode from 'vscode';
import { pickText, say } from '../say';
import type { PlanMode, ResolvedPlan, StoredPlanRun } from '../../core/plans/types';
import { loadPlan } from '../../core/plans/resolve';
import { planDirectory } from '../services/planDirectory';
import { planText, whichPlan } from './planCheck';
import { runEnded } from '../../core/plans/runStore';
import { drillsLeft } from '../../core/plans/cleanUp';
import { modeExplanation, modeTitle, planProgressText, planReportMarkdown, runStateText } from '../planReport';
import type { CommandContext } from './context';

/** Plans run only in a trusted workspace: the file comes from a repository. */
function trusted(what: string): boolean {
	if (vscode.workspace.isTrusted) {
		return true;
	}
	void say.warn(vscode.l10n.t('{0}: this workspace is not trusted. A plan comes from the repository: it can be checked here, but runs only in a trusted workspace.', what));
	return false;
}

/** Reads, parses and resolves a plan; a problem is shown (the Problems panel has each at its line). */
async function resolved(c: CommandContext, uri: vscode.Uri): Promise<ResolvedPlan | undefined> {
	const text = await planText(uri);
	if (text === undefined) {
		return undefined;
	}
	const source = vscode.workspace.asRelativePath(uri);
	const { resolved: plan, problems } = await say.progress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Reading the plan…') }, () =>
		loadPlan(text, source, planDirectory(c, false)),
	);
	const errors = problems.filter((p) => p.severity === 'error');
	if (!plan || errors.length) {
		c.log.warn(`Plan ${source}: ${problems.map((p) => p.message).join('; ')}`);
		void say.error(vscode.l10n.t('The plan {0} has {1} problems (see the Problems panel); nothing was run.', source, Math.max(1, errors.length)));
		return undefined;
	}
	return plan;
}

async function startRun(c: CommandContext, uri: vscode.Uri | undefined, mode: PlanMode): Promise<string | undefined> {
	const file = await whichPlan(uri, modeTitle(mode));
	const plan = file && (await resolved(c, file));
	if (!plan) {
		return undefined;
	}
	// The checking notification (its Cancel stops the checks) ends when the checks do: it does not
	// linger behind the confirmation, where its Cancel could no longer stop anything.
	const stop = new AbortController();
	let checked!: () => void;
	const checking = new Promise<void>((resolve) => (checked = resolve));
	let progress: vscode.Progress<{ message?: string; increment?: number }> | undefined;
	void say.progress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('{0}: checking every group of “{1}”…', modeTitle(mode), plan.name), cancellable: true }, (p, token) => {
		progress = p;
		token.onCancellationRequested(() => stop.abort());
		return checking;
	});
	try {
		const started = await c.workflow.plans.start(plan, mode, (done, total) => progress?.report({ message: vscode.l10n.t('{0} of {1}', done, total), increment: 100 / total }), stop.signal, checked);
		return started.kind === 'started' ? started.run.runId : undefined;
	} finally {
		checked();
	}
}

export async function runPlan(c: CommandContext, uri?: vscode.Uri): Promise<string | undefined> {
	if (!trusted(vscode.l10n.t('Run Plan'))) {
		return undefined;
	}
	const modes: PlanMode[] = ['plannedFailover', 'failover', 'enableAgain'];
	const pick = await c.ports.prompts.pick(
		modes.map((mode) => ({ label: modeTitle(mode), detail: modeExplanation(mode), mode })),
		{ title: vscode.l10n.t('Run the plan as…') },
	);
	return pick ? startRun(c, uri, pick.mode) : undefined;
}

export function drillPlan(c: CommandContext, uri?: vscode.Uri): Promise<string | undefined> {
	return trusted(vscode.l10n.t('Rehearse Plan')) ? startRun(c, uri, 'drill') : Promise.resolve(undefined);
}

/** A run given by the Jobs view or the run's notification, or picked among the recorded ones. */
async function whichRun(c: CommandContext, given: { run: StoredPlanRun } | string | undefined, title: string, filter: (r: StoredPlanRun) => boolean): Promise<StoredPlanRun | undefined> {
	const runs = c.workflow.plans.runs;
	if (typeof given === 'string') {
		return runs.get(given);
	}
	if (given && 'run' in given) {
		return runs.get(given.run.runId) ?? given.run;
	}
	const all = runs.all().filter(filter);
	if (all.length <= 1) {
		return all[0];
	}
	const pick = await vscode.window.showQuickPick(
		[...all]
			.reverse()
			.map((r) => ({ label: pickText(`${r.planName} · ${modeTitle(r.mode)}`), description: pickText(new Date(r.confirmedAt).toLocaleString()), detail: pickText(runStateText(r)), run: r })),
		{ title },
	);
	return pick?.run;
}

export async function stopPlan(c: CommandContext, given?: { run: StoredPlanRun } | string): Promise<boolean> {
	const run = await whichRun(c, given, vscode.l10n.t('Stop which plan run?'), (r) => !runEnded(r));
	if (!run || !c.workflow.plans.stop(run.runId)) {
		void say.info(vscode.l10n.t('No plan run to stop.'));
		return false;
	}
	void say.status(vscode.l10n.t('Stopping the plan: no step starts after this one; what was sent is followed to its end.'), 5000);
	return true;
}

/**
 * Continue Plan: a paused run (interrupted by a reload, or left by a window that went away) goes on
 * from its step, in a trusted window only; the step's batch is waited for, never sent again.
 */
export async function continuePlan(c: CommandContext, given?: { run: StoredPlanRun } | string): Promise<StoredPlanRun | undefined> {
	if (!trusted(vscode.l10n.t('Continue Plan'))) {
		return undefined;
	}
	const run = await whichRun(c, given, vscode.l10n.t('Continue which plan run?'), (r) => r.state === 'paused' && !c.workflow.plans.running().includes(r.runId));
	if (!run || run.state !== 'paused' || c.workflow.plans.running().includes(run.runId)) {
		void say.info(vscode.l10n.t('No paused plan run to continue (a run waiting at a prompt goes on from its question).'));
		return undefined;
	}
	return c.workflow.plans.continueRun(run.runId);
}

export async function showPlanReport(c: CommandContext, given?: { run: StoredPlanRun } | string): Promise<vscode.TextDocument | undefined> {
	const run = await whichRun(c, given, vscode.l10n.t('Show the report of which plan run?'), () => true);
	if (!run) {
		return undefined;
	}
	return c.reports.show(vscode.l10n.t('Report of plan {0}', run.planName), planReportMarkdown(run, c.profiles.get(run.profile)?.name));
}

export async function copyPlanReport(c: CommandContext, given?: { run: StoredPlanRun } | string): Promise<void> {
	const run = await whichRun(c, given, vscode.l10n.t('Copy the report of which plan run?'), () => true);
	if (run) {
		await vscode.env.clipboard.writeText(planReportMarkdown(run, c.profiles.get(run.profile)?.name));
		void say.status(vscode.l10n.t('Copied the report of plan “{0}” as Markdown', run.planName), 3000);
	}
}

/** Deletes the drills a rehearsal created, after one confirmation naming them all. */
export async function cleanUpPlanDrills(c: CommandContext, given?: { run: StoredPlanRun } | string): Promise<number> {
	if (!trusted(vscode.l10n.t('Clean Up Drills'))) {
		return 0;
	}
	const run = await whichRun(c, given, vscode.l10n.t('Clean up the drills of which rehearsal?'), (r) => r.mode === 'drill' && runEnded(r) && drillsLeft(r).length > 0);
	const left = run ? drillsLeft(run) : [];
	if (!run || !left.length) {
		void say.info(vscode.l10n.t('No rehearsal has drills left to clean up.'));
		return 0;
	}
	// Deleting drills deletes servers: Cancel is the selected answer (Enter deletes nothing).
	const ok = await c.ports.decide(vscode.l10n.t('Delete the {0} DR drills rehearsal “{1}” created?', left.length, run.planName), vscode.l10n.t('Delete {0} Drills', left.length), [
		{
			heading: vscode.l10n.t('Deleted: these drills, with their drill servers, disks and NICs'),
			lines: left.map((g) => vscode.l10n.t('“{0}” of “{1}”: {2} drill server(s) (named in the rehearsal’s report)', g.drill?.name ?? '', g.groupName, g.drill?.servers?.length ?? '?')),
		},
		{ heading: vscode.l10n.t('Kept'), lines: [vscode.l10n.t('The protection groups, their replication and production.'), vscode.l10n.t('Kept: the drill VPC and its subnets.')] },
	]);
	if (!ok) {
		return 0;
	}
	const profile = c.profiles.get(run.profile);
	if (!profile) {
		void say.error(vscode.l10n.t('The profile of this rehearsal no longer exists; nothing was deleted.'));
		return 0;
	}
	// Each followed to its end under one progress: one message at the end, not one per drill.
	const { deleted, notDeleted } = await say.progress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Cleaning up the drills of rehearsal “{0}”', run.planName) }, (progress) =>
		c.workflow.plans.cleanUp(run, (ended, total) => progress.report({ message: vscode.l10n.t('{0} of {1} ended', ended, total), increment: 100 / total })),
	);
	if (deleted === left.length) {
		void say.info(vscode.l10n.t('Deleted {0} of {1} DR drills of rehearsal “{2}”.', deleted, left.length, run.planName));
	} else {
		void say.warn(
			vscode.l10n.t('Deleted {0} of {1} DR drills of rehearsal “{2}”.', deleted, left.length, run.planName) +
				' ' +
				vscode.l10n.t('Not deleted: {0} (the log says why; run Clean Up Drills again to retry them).', notDeleted.map((n) => `“${n}”`).join(', ')),
		);
	}
	return deleted;
}

/** The progress line of a run (its notification). */
export const runProgressText = (run: StoredPlanRun): string => `${run.planName} · ${planProgressText(run)}`;
