// A recovery plan's run in words: the mode's title and explanation, the progress line, and the run
// report a person files (Markdown: each step and group with the action, the job, start, end,
// duration and outcome, and per step the achieved RTO). Plan and server text is hostile: every
// piece of it goes through markdownText (escaped, never a link) or safeText.
import * as vscode from 'vscode';
import { markdownText } from '../core/safeText';
import { drillsLeft } from '../core/plans/cleanUp';
import { RUN_REASON, type GroupEnd, type PlanMode, type RunGroup, type RunStep, type StoredPlanRun } from '../core/plans/types';
import { unsentText } from './batchReport';
import { checkDetail, checkTitle } from './checkText';
import { actionTitle, formatElapsed } from './text';

export function modeTitle(mode: PlanMode): string {
	return mode === 'drill' ? vscode.l10n.t('Rehearsal (DR drills)') : actionTitle(mode);
}

/** What each mode does, for the mode's QuickPick and the confirmation. */
export function modeExplanation(mode: PlanMode): string {
	switch (mode) {
		case 'plannedFailover':
			return vscode.l10n.t('Planned: halts at the first failure, nothing lost. Production servers must be stopped and pairs in sync.');
		case 'failover':
			return vscode.l10n.t('Disaster: goes on past a failed group (and says so). Data not yet replicated is lost.');
		case 'enableAgain':
			return vscode.l10n.t('After the disaster: protection enabled again, in plan order; goes on past a failed group.');
		case 'drill':
			return vscode.l10n.t('A DR drill for every group, step by step; production is not touched. Clean up the drills afterwards.');
	}
}

export function groupEndText(end: GroupEnd | undefined): string {
	switch (end) {
		case 'succeeded':
			return vscode.l10n.t('succeeded');
		case 'failed':
			return vscode.l10n.t('failed');
		case 'refused':
			return vscode.l10n.t('refused by the service');
		case 'notApplied':
			return vscode.l10n.t('not applied');
		case 'notFollowed':
			return vscode.l10n.t('not followed to its end');
		case 'unsent':
			return vscode.l10n.t('not sent');
		case 'skipped':
			return vscode.l10n.t('skipped: a pre-flight check failed');
		case undefined:
			return vscode.l10n.t('running');
	}
}

export function runStateText(run: StoredPlanRun): string {
	switch (run.state) {
		case 'running':
			return vscode.l10n.t('running');
		case 'paused':
			return vscode.l10n.t('paused');
		case 'stopped':
			return vscode.l10n.t('stopped');
		case 'halted':
			return vscode.l10n.t('halted at the first failure');
		case 'ended':
			return vscode.l10n.t('ended');
	}
}

function stepTitle(step: RunStep, i: number, total: number): string {
	const kind =
		step.kind === 'groups'
			? vscode.l10n.t('{0} protection groups', step.groups?.length ?? 0)
			: step.kind === 'wait'
				? vscode.l10n.t('wait {0} s', step.seconds ?? 0)
				: vscode.l10n.t('a person confirms');
	return vscode.l10n.t('Step {0} of {1}: {2}', i + 1, total, step.label ? `${step.label} · ${kind}` : kind);
}

/** “Step 2 of 3 · 4 of 10 ended” (the progress line). */
export function planProgressText(run: StoredPlanRun): string {
	const i = Math.min(run.current, run.steps.length - 1);
	const step = run.steps[i];
	const groups = step?.groups ?? [];
	const counts = step?.kind === 'groups' ? ` · ${vscode.l10n.t('{0} of {1} ended', groups.filter((g) => g.end).length, groups.length)}` : '';
	const paused = run.state === 'paused' ? ` · ${vscode.l10n.t('paused')}` : '';
	return step ? `${stepTitle(step, i, run.steps.length)}${counts}${paused}` : runStateText(run);
}

const at = (t: number | undefined): string => (t === undefined ? '' : new Date(t).toLocaleString());
const took = (a: number | undefined, b: number | undefined): string => (a === undefined || b === undefined ? '' : formatElapsed(b - a));
const cell = (s: string | undefined): string => markdownText(s ?? '');

/** A reason the engine recorded (RUN_REASON, the batch's UNSENT) in words; any other text (the service's) as it is. */
function reasonText(error: string | undefined): string | undefined {
	switch (error) {
		case RUN_REASON.jobGone:
			return vscode.l10n.t('the job record is gone');
		case RUN_REASON.batchGone:
			return vscode.l10n.t('the batch record is gone');
		case RUN_REASON.notInBatch:
			return vscode.l10n.t('it was not in the step’s batch');
		case RUN_REASON.drillOnTheWire:
			return vscode.l10n.t('the window closed while its DR drill was being sent: look at the group’s DR drills');
		case RUN_REASON.noEnd:
			return vscode.l10n.t('no end was recorded for it: look at the group’s DR drills');
		case RUN_REASON.stoppedByUser:
			return vscode.l10n.t('stopped by the user');
		case RUN_REASON.abandonedByUser:
			return vscode.l10n.t('abandoned by the user');
		default:
			return unsentText(error) ?? error;
	}
}

/** Why a group was skipped: its failed checks in words (older records: the English kept for the log). */
function skippedText(g: RunGroup): string | undefined {
	const by = g.skippedBy;
	if (!by) {
		return g.skipped;
	}
	if (by.readError !== undefined) {
		return vscode.l10n.t('could not be checked: {0}', by.readError);
	}
	if (by.overLimit) {
		return vscode.l10n.t('past the most groups one batch sends');
	}
	return (by.checks ?? []).map((c) => `${checkTitle(c)}: ${checkDetail(c)}`).join('; ');
}

/** Why the run halted or stopped, in words. */
function haltText(run: StoredPlanRun): string | undefined {
	if (run.halt) {
		switch (run.halt.why) {
			case 'firstFailure':
				return vscode.l10n.t('step {0} failed: a planned failover halts at the first failure', run.halt.step);
			case 'endUnknown':
				return vscode.l10n.t('step {0} halted: the end of a group is not known (it may still be moving); check the group, then run the rest of the plan', run.halt.step);
			default:
				return vscode.l10n.t('step {0} halted: a group is in flight in another job, batch or run', run.halt.step);
		}
	}
	return reasonText(run.haltReason);
}

function groupRow(run: StoredPlanRun, g: RunGroup): string {
	const action = run.mode === 'drill' ? actionTitle('createDrill') : actionTitle(run.mode);
	const why = g.end === 'skipped' ? skippedText(g) : (g.result?.failReason ?? reasonText(g.error));
	const outcome = `${groupEndText(g.end)}${why ? ` (${why})` : ''}${(g.errorCode ?? g.result?.errorCode) ? ` ${g.errorCode ?? g.result?.errorCode}` : ''}`;
	return `| ${cell(g.groupName)} | ${cell(action)} | ${cell(g.jobId ?? g.result?.jobId)} | ${cell(at(g.result?.startedAt))} | ${cell(at(g.result?.endedAt))} | ${cell(took(g.result?.startedAt, g.result?.endedAt))} | ${cell(outcome)} |`;
}

/** The run report: a Markdown document for the change ticket. */
export function planReportMarkdown(run: StoredPlanRun, profileName: string | undefined): string {
	const lines: string[] = [];
	lines.push(`# ${cell(vscode.l10n.t('Recovery plan “{0}”: {1}', run.planName, modeTitle(run.mode)))}`, '');
	lines.push(`- ${cell(vscode.l10n.t('Plan file: {0}', run.source))}`);
	lines.push(`- ${cell(vscode.l10n.t('Profile: {0} · project {1} · account {2}', profileName ?? run.profile, run.projectName, run.account ?? '?'))}`);
	lines.push(`- ${cell(vscode.l10n.t('Confirmed: {0}', at(run.confirmedAt)))}`);
	lines.push(
		`- ${cell(vscode.l10n.t('Outcome: {0}', runStateText(run)))}${run.endedAt ? ` · ${cell(vscode.l10n.t('ended {0} ({1} after the confirmation)', at(run.endedAt), took(run.confirmedAt, run.endedAt)))}` : ''}`,
	);
	const halt = haltText(run);
	if (halt) {
		lines.push(`- ${cell(vscode.l10n.t('Why: {0}', halt))}`);
	}
	if (run.mode === 'failover' || run.mode === 'enableAgain') {
		lines.push(`- ${cell(vscode.l10n.t('This mode goes on past a failed group: check every step below.'))}`);
	}
	lines.push('');
	run.steps.forEach((step, i) => {
		lines.push(`## ${cell(stepTitle(step, i, run.steps.length))}`, '');
		const state = ((): string => {
			switch (step.state) {
				case 'pending':
					return vscode.l10n.t('not started');
				case 'running':
					return vscode.l10n.t('running');
				case 'done':
					return vscode.l10n.t('done');
				case 'failed':
					return vscode.l10n.t('done, with failures');
				case 'halted':
					return vscode.l10n.t('halted');
				case 'skipped':
					return vscode.l10n.t('skipped: no group could be sent');
			}
		})();
		lines.push(
			`${cell(vscode.l10n.t('State: {0}', state))}${step.startedAt ? ` · ${cell(vscode.l10n.t('{0} to {1} ({2})', at(step.startedAt), at(step.endedAt), took(step.startedAt, step.endedAt)))}` : ''}`,
			'',
		);
		if (step.kind === 'prompt') {
			lines.push(`> ${cell(step.text)}`, '');
		}
		if (step.lastGroupEndAt !== undefined) {
			lines.push(`**${cell(vscode.l10n.t('Achieved RTO: {0} (from the confirmation to the step’s last group)', formatElapsed(step.lastGroupEndAt - run.confirmedAt)))}**`, '');
		}
		if (step.groups?.length) {
			lines.push(
				`| ${[vscode.l10n.t('Group'), vscode.l10n.t('Action'), vscode.l10n.t('Job'), vscode.l10n.t('Start'), vscode.l10n.t('End'), vscode.l10n.t('Duration'), vscode.l10n.t('Outcome')].map(cell).join(' | ')} |`,
				'|---|---|---|---|---|---|---|',
				...step.groups.map((g) => groupRow(run, g)),
				'',
			);
		}
	});
	const left = drillsLeft(run);
	if (left.length) {
		lines.push(`## ${cell(vscode.l10n.t('Drill servers that exist now'))}`, '');
		for (const g of left) {
			lines.push(`- ${cell(vscode.l10n.t('{0}: drill “{1}”, servers: {2}', g.groupName, g.drill?.name ?? '', (g.drill?.servers ?? []).join(', ') || '?'))}`);
		}
		lines.push('', `**${cell(vscode.l10n.t('Reminder: run “Clean Up Drills” to delete these drills and their servers.'))}**`, '');
	} else if (run.mode === 'drill' && run.cleanedUpAt) {
		lines.push(`${cell(vscode.l10n.t('The drills were cleaned up {0}.', at(run.cleanedUpAt)))}`, '');
	}
	return lines.join('\n');
}
