// Check Plan's readiness report in words: Markdown for an editor tab, like a batch's report. The
// plan's words (its name, step names, prompts, group names) are hostile input and server text is
// server text: every one of them is escaped as text (markdownText), so none renders as a link,
// image, HTML or emphasis; only our own labels are Markdown.
import * as vscode from 'vscode';
import { ACTIONS, DRILL } from '../core/actions';
import type { CheckResult } from '../core/checks';
import type { GroupReadiness, ModeReadiness, PlanReadiness } from '../core/plans/check';
import type { PlanMode } from '../core/plans/types';
import { markdownText } from '../core/safeText';
import { actionTitle, describeError, statusLabel, statusesText } from './text';
import { checkDetail, checkFix, checkTitle } from './checkText';

/** A plan mode's title: the action's, or the rehearsal. */
export function planModeTitle(mode: PlanMode): string {
	return mode === 'drill' ? vscode.l10n.t('DR Drill (rehearsal)') : actionTitle(mode);
}

/** What to do about a failed check, for a plan (a status that does not allow the mode is not stale: it is the group's state). */
function fixFor(mode: PlanMode, check: CheckResult): string | undefined {
	if (check.ok) {
		return undefined;
	}
	if (check.id === 'status') {
		const needs = mode === 'drill' ? DRILL.from : ACTIONS[mode].from;
		return vscode.l10n.t('This mode can run on the group only when its status is {0}.', statusesText(needs));
	}
	return checkFix(check);
}

function modeLines(m: ModeReadiness): string[] {
	const esc = markdownText;
	const title = `**${esc(planModeTitle(m.mode))}**`;
	if (m.error) {
		return [`- ✗ ${title}: ${esc(vscode.l10n.t('could not be checked: {0}', describeError(m.error)))}`];
	}
	if (m.ok) {
		return [`- ✓ ${title}: ${esc(vscode.l10n.t('would go'))}`];
	}
	const lines = [`- ✗ ${title}: ${esc(vscode.l10n.t('blocked'))}`];
	for (const c of m.checks.filter((x) => !x.ok)) {
		lines.push(`  - ${esc(checkTitle(c))}: ${esc(checkDetail(c))}`);
		const fix = fixFor(m.mode, c);
		if (fix) {
			lines.push(`    ${esc(vscode.l10n.t('Fix: {0}', fix))}`);
		}
	}
	return lines;
}

function groupLines(g: GroupReadiness): string[] {
	const esc = markdownText;
	const lines = [`#### ${esc(g.group.name)} (${esc(g.group.id)})`, ''];
	if (g.error) {
		lines.push(
			`- ✗ ${esc(vscode.l10n.t('Could not be read: {0}', describeError(g.error)))}`,
			`  ${esc(vscode.l10n.t('Fix: {0}', vscode.l10n.t('Check that the group still exists and that the profile can read it, then check the plan again.')))}`,
			'',
		);
		return lines;
	}
	lines.push(`- ${esc(vscode.l10n.t('Status now: {0} ({1})', statusLabel(g.group.status), g.group.status))}`);
	const allowed = [...g.allowed.map((a) => actionTitle(a)), ...(g.drillAllowed ? [actionTitle('createDrill')] : [])];
	lines.push(`- ${esc(allowed.length ? vscode.l10n.t('Its status allows now: {0}', allowed.join(', ')) : vscode.l10n.t('Its status allows no action now'))}`);
	for (const m of g.modes) {
		lines.push(...modeLines(m));
	}
	lines.push('');
	return lines;
}

/**
 * The readiness report: the plan, then each mode over the whole plan (would it go, how many groups
 * are ready), then each step in order with each group: its status now, what that status allows,
 * and per mode what would block it and the fix.
 */
export function planReadinessMarkdown(r: PlanReadiness, profileName: string | undefined): string {
	const esc = markdownText;
	const { plan } = r;
	const lines = [
		`# ${esc(vscode.l10n.t('Readiness of the plan “{0}”', plan.name))}`,
		'',
		esc(vscode.l10n.t('Plan file: {0}', plan.source)) + '  ',
		esc(vscode.l10n.t('Profile: {0}', profileName ?? plan.profileId)) + '  ',
		esc(vscode.l10n.t('Project: {0} ({1}), region {2}', plan.project.name, plan.project.id, plan.project.region)) + '  ',
		esc(vscode.l10n.t('Checked at {0}. Check Plan reads the groups and sends nothing.', new Date(r.checkedAt).toISOString())),
		'',
		`## ${esc(vscode.l10n.t('Would the plan go?'))}`,
		'',
		`| ${esc(vscode.l10n.t('Mode'))} | ${esc(vscode.l10n.t('Would go'))} | ${esc(vscode.l10n.t('Groups ready'))} |`,
		'|---|---|---|',
		...r.modes.map((m) => `| ${esc(planModeTitle(m.mode))} | ${m.ready ? `✓ ${esc(vscode.l10n.t('yes'))}` : `✗ ${esc(vscode.l10n.t('no'))}`} | ${esc(vscode.l10n.t('{0} of {1}', m.goes, m.total))} |`),
		'',
	];
	r.steps.forEach((step, i) => {
		const n = i + 1;
		if (step.kind === 'groups') {
			const head = step.label ? vscode.l10n.t('Step {0}: {1} ({2} protection groups)', n, step.label, step.groups.length) : vscode.l10n.t('Step {0}: {1} protection groups', n, step.groups.length);
			lines.push(`## ${esc(head)}`, '', ...step.groups.flatMap(groupLines));
		} else if (step.kind === 'wait') {
			const head = step.label ? vscode.l10n.t('Step {0}: {1} (wait {2} s)', n, step.label, step.seconds) : vscode.l10n.t('Step {0}: wait {1} s', n, step.seconds);
			lines.push(`## ${esc(head)}`, '');
		} else {
			const head = step.label ? vscode.l10n.t('Step {0}: {1} (a question for a person)', n, step.label) : vscode.l10n.t('Step {0}: a question for a person', n);
			lines.push(`## ${esc(head)}`, '', `> ${esc(step.text)}`, '');
		}
	});
	return lines.join('\n');
}
