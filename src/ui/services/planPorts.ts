// A plan run's ports in VS Code: the refusal (each failing group with its check and fix), the
// confirmation (the plan's groups in full by step, then the plan's name or the number of groups
// typed), prompts as modal questions, one progress notification with Stop, the report opened when
// the run ends, and the question after a reload. Questions go through the Prompts seam, so
// extension-host tests answer them.
import * as vscode from 'vscode';
import { say } from '../say';
import { markdownText } from '../../core/safeText';
import type { PlanEntry } from '../../core/batch';
import type { PlanPorts } from '../../core/plans/run';
import type { PlanCheck } from '../../core/plans/prepare';
import type { ResolvedPlan, StoredPlanRun } from '../../core/plans/types';
import { describeError, statusLabel } from '../text';
import { checkList } from '../checkText';
import { modeExplanation, modeTitle, planProgressText, runStateText } from '../planReport';
import type { Prompts } from './editorPorts';

export interface PlanUi {
	prompts(): Prompts;
	/** Opens the run's report (an editor tab). */
	showReport(runId: string): void;
	continueRun(runId: string): void;
	/** Where the plan runs, in words: profile, account, project and region. */
	where(plan: ResolvedPlan): string;
	/** Opens the plan in full (Markdown) in an editor tab, before the confirmation, when a modal cannot hold it. */
	openPlan(plan: ResolvedPlan, markdown: string): PromiseLike<unknown>;
	abandon(runId: string): void;
}

function entryLines(e: PlanEntry): string {
	const head = `• ${e.group.name} (${statusLabel(e.group.status)})`;
	if (e.error) {
		return `${head}: ${vscode.l10n.t('could not be checked: {0}', describeError(e.error))}`;
	}
	return `${head}${e.eligible ? '' : ` — ${vscode.l10n.t('not eligible, never sent')}`}\n${checkList(e.checks)}`;
}

/** The plan in full, by step: every group with its checks. */
export function planText(plan: ResolvedPlan, check: PlanCheck, only?: 'ineligible'): string {
	return plan.steps
		.map((s, i) => {
			const title = vscode.l10n.t('Step {0}', i + 1) + (s.label ? ` · ${s.label}` : '');
			if (s.kind === 'wait') {
				return `${title}: ${vscode.l10n.t('wait {0} s', s.seconds)}`;
			}
			if (s.kind === 'prompt') {
				return `${title}: ${vscode.l10n.t('a person confirms: {0}', s.text)}`;
			}
			const entries = (check.steps[i] ?? []).filter((e) => only !== 'ineligible' || !e.eligible);
			return entries.length ? `${title}:\n${entries.map(entryLines).join('\n')}` : '';
		})
		.filter(Boolean)
		.join('\n\n');
}

/** What a modal's detail holds (safeText cuts at 4000): past this, the plan opens in full in an editor tab. */
const MODAL_BUDGET = 3000;

/** The plan by step, one line per group (✓ or ✗ with why): every group named, without the checks. */
export function compactPlanText(plan: ResolvedPlan, check: PlanCheck): string {
	return plan.steps
		.map((s, i) => {
			const title = vscode.l10n.t('Step {0}', i + 1) + (s.label ? ` · ${s.label}` : '');
			if (s.kind !== 'groups') {
				return s.kind === 'wait' ? `${title}: ${vscode.l10n.t('wait {0} s', s.seconds)}` : `${title}: ${vscode.l10n.t('a person confirms: {0}', s.text)}`;
			}
			return `${title}: ${(check.steps[i] ?? []).map((e) => `${e.eligible ? '✓' : '✗'} ${e.group.name}`).join(', ')}`;
		})
		.join('\n');
}

/** The plan in full as Markdown (every group with its checks), for an editor tab; the plan's words as text. */
function planMarkdown(title: string, where: string, plan: ResolvedPlan, check: PlanCheck): string {
	return [`# ${markdownText(title)}`, '', markdownText(where), '', '```text', planText(plan, check).replace(/`/g, "'"), '```', ''].join('\n');
}

export function editorPlanPorts(ui: PlanUi): PlanPorts {
	return {
		refused: async ({ plan, mode, check }) => {
			const why =
				check.refusal === 'otherRun'
					? vscode.l10n.t(
							'Plan run “{0}” has some of the same protection groups and has not ended: one run at a time per group. Stop or abandon it (Jobs view), or wait for its end. Nothing was sent.',
							check.otherRun ?? '',
						)
					: check.refusal === 'planRefused'
						? vscode.l10n.t('A planned failover runs only when every group passes its checks: {0} do not. Fix what each check names, then run it again. Nothing was sent.', check.ineligible.length)
						: vscode.l10n.t('No group of the plan passes its checks. Nothing was sent.');
			await ui.prompts().alert(vscode.l10n.t('{0} of plan “{1}” cannot run.', modeTitle(mode), plan.name), `${why}\n\n${planText(plan, check, 'ineligible')}`);
		},
		confirm: async ({ plan, mode, check, typed }) => {
			const skipped = check.ineligible.length ? `\n\n${vscode.l10n.t('{0} groups fail a check and are skipped (never sent).', check.ineligible.length)}` : '';
			const question = vscode.l10n.t('{0}: plan “{1}”, {2} protection groups in {3} steps?', modeTitle(mode), plan.name, check.eligible, plan.steps.length);
			// Every group is shown before anything is typed: with its checks when the modal holds them,
			// one line each when not, and when even that is too long, in full in an editor tab.
			const head = `${ui.where(plan)}\n\n${modeExplanation(mode)}${skipped}\n\n`;
			let body = planText(plan, check);
			if (head.length + body.length > MODAL_BUDGET) {
				body = compactPlanText(plan, check);
			}
			if (head.length + body.length > MODAL_BUDGET) {
				await ui.openPlan(plan, planMarkdown(question, ui.where(plan), plan, check));
				body = vscode.l10n.t('The plan’s {0} protection groups are listed in full, step by step with their checks, in the editor tab just opened.', check.eligible + check.ineligible.length);
			}
			const go = await ui.prompts().confirm(question, `${head}${body}`, vscode.l10n.t('Continue…'));
			if (!go) {
				return false;
			}
			const prompt = mode === 'failover' ? vscode.l10n.t('Type the plan’s name to confirm: {0}', plan.name) : vscode.l10n.t('Type {0}, the number of groups, to confirm.', typed);
			const answer = await ui.prompts().input({
				title: vscode.l10n.t('{0}: plan “{1}”', modeTitle(mode), plan.name),
				prompt: prompt,
				placeHolder: mode === 'failover' ? undefined : typed,
				ignoreFocusOut: true,
				validateInput: (v) => (v.trim() === typed || v.trim() === '' ? undefined : prompt),
			});
			if (answer !== undefined && answer.trim() !== typed) {
				void say.info(vscode.l10n.t('What was typed did not match; nothing was sent.'));
			}
			return answer?.trim() === typed;
		},
		prompt: ({ run, step, text }) =>
			ui
				.prompts()
				.confirm(
					vscode.l10n.t('Plan “{0}”, step {1} of {2}: {3}', run.planName, step + 1, run.steps.length, text),
					vscode.l10n.t('The run is paused. Continue goes on to the next step; closing this stops the run.'),
					vscode.l10n.t('Continue'),
				),
		progress: (what, task) =>
			say.progress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Plan “{0}”', what.run()?.planName ?? ''), cancellable: true }, (progress, token) => {
				token.onCancellationRequested(() => what.stop());
				let shown = '';
				const tick = (): void => {
					const run = what.run();
					const text = run ? planProgressText(run) : '';
					if (text !== shown) {
						shown = text;
						progress.report({ message: text });
					}
				};
				tick();
				const timer = setInterval(tick, 1000);
				return task(tick).finally(() => clearInterval(timer));
			}),
		ended: (run) => {
			ui.showReport(run.runId);
			const text = vscode.l10n.t('Plan “{0}” ({1}): {2}.', run.planName, modeTitle(run.mode), runStateText(run));
			void (run.state === 'ended' && !run.steps.some((s) => s.state === 'failed') ? say.info : say.warn)(text);
		},
		interrupted: (run: StoredPlanRun) => {
			const go = vscode.l10n.t('Continue');
			const report = vscode.l10n.t('Show Report');
			const abandon = vscode.l10n.t('Abandon');
			void say
				.warn(
					vscode.l10n.t(
						'Plan “{0}” was interrupted at step {1} of {2}. A batch already sent is followed to its end; nothing new starts until you continue.',
						run.planName,
						run.current + 1,
						run.steps.length,
					),
					go,
					report,
					abandon,
				)
				.then((choice) => {
					if (choice === go) {
						ui.continueRun(run.runId);
					} else if (choice === report) {
						ui.showReport(run.runId);
					} else if (choice === abandon) {
						ui.abandon(run.runId);
					}
				});
		},
	};
}
