// The workflow's ports in VS Code: modal questions, notifications and progress, each worded here in
// the user's language (the workflow in src/core only says what happened).
import * as vscode from 'vscode';
import { pickText, say } from '../say';
import type { Logger } from '../../core/logger';
import type { Job } from '../../core/model';
import type { Alert, Notice, Ports, ProgressOf } from '../../core/ports';
import { ACTIONS, isDrillKind, moveOf } from '../../core/actions';
import {
	actionTitle,
	checkedServersText,
	consequenceLines,
	drillCreatedText,
	consequences,
	describeError,
	directionText,
	explain,
	formatElapsed,
	powerOnText,
	statusLabel,
	succeededText,
} from '../text';
import { checkLine, checkList } from '../checkText';
import { batchEndedText, batchProgressText } from '../batchReport';
import { setContextKey } from './contextKeys';
import { decisionItems, showDecision, type DecisionItem, type Section } from './decide';
import { accountText, type Profile } from './profiles';

/** The modal questions; extension-host tests answer them through this seam. */
export interface Prompts {
	/** Resolves true when the user chose `verb`. */
	confirm(message: string, detail: string, verb: string): Thenable<boolean>;
	/** A blocking explanation (pre-flight failure, refusal). */
	alert(message: string, detail?: string): Thenable<void>;
	/**
	 * A plan to untick from (a multi-select QuickPick): resolves with the items left ticked, or
	 * undefined when dismissed. A `locked` item can never be ticked.
	 */
	choose<T extends vscode.QuickPickItem>(items: readonly T[], options: { title: string; placeholder: string; locked(item: T): boolean }): Thenable<readonly T[] | undefined>;
	/** What the user typed (the count that confirms a batch, a key, a name), or undefined when dismissed. */
	input(options: vscode.InputBoxOptions): Thenable<string | undefined>;
	/** One item of a list (a QuickPick), or undefined when dismissed. */
	pick<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions): Thenable<T | undefined>;
	/**
	 * A destructive action's confirmation (decide.ts): the items with the first answer (Cancel)
	 * selected; resolves with the answer chosen, or undefined when dismissed.
	 */
	decide(items: readonly DecisionItem[], options: { title: string; placeholder: string }): Thenable<DecisionItem | undefined>;
}

function chooseMany<T extends vscode.QuickPickItem>(items: readonly T[], options: { title: string; placeholder: string; locked(item: T): boolean }): Promise<readonly T[] | undefined> {
	return new Promise((resolve) => {
		const qp = vscode.window.createQuickPick<T>();
		qp.canSelectMany = true;
		qp.matchOnDescription = true;
		qp.matchOnDetail = true;
		qp.ignoreFocusOut = true;
		qp.title = options.title;
		qp.placeholder = options.placeholder;
		qp.items = items;
		qp.selectedItems = items.filter((i) => i.picked && !options.locked(i));
		let done = false;
		const finish = (value: readonly T[] | undefined): void => {
			if (!done) {
				done = true;
				resolve(value);
				qp.dispose();
			}
		};
		qp.onDidChangeSelection((selected) => {
			// An ineligible group cannot be ticked: it is never sent.
			if (selected.some((i) => options.locked(i))) {
				qp.selectedItems = selected.filter((i) => !options.locked(i));
			}
		});
		qp.onDidAccept(() => finish(qp.selectedItems.filter((i) => !options.locked(i))));
		qp.onDidHide(() => finish(undefined));
		qp.show();
	});
}

export const modalPrompts: Prompts = {
	confirm: (message, detail, verb) => say.modalWarning(message, detail, verb).then((a) => a === verb),
	alert: (message, detail) => say.modalError(message, detail).then(() => undefined),
	choose: chooseMany,
	input: (options) => say.input(options),
	pick: (items, options) => vscode.window.showQuickPick(items, options),
	decide: showDecision,
};

/** “Enable Protection for protection group “x” in account y?” (the account when known). */
export function confirmQuestion(title: string, groupName: string, account: string | undefined): string {
	return account ? vscode.l10n.t('{0} for protection group “{1}” in account {2}?', title, groupName, account) : vscode.l10n.t('{0} for protection group “{1}”?', title, groupName);
}

export class EditorPorts implements Ports {
	prompts: Prompts = modalPrompts;
	readonly clock = { now: (): number => Date.now(), sleep: (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms)) };

	/** The profile of an id (set by the extension): confirmations name the account a group is in. */
	profileOf?: (id: string) => Profile | undefined;

	/** What the end-of-batch notification's buttons do (set by the extension). */
	batchButtons?: (what: 'report' | 'copy', batchId: string) => void;

	constructor(
		private readonly log: Logger,
		private readonly showLog: () => void,
	) {}

	/**
	 * A confirmation that matches the danger (the action's row): a modal naming the consequence and the
	 * account (and, for an action that moves production, from which AZ to which, the servers checked
	 * stopped and where to power them on afterwards); for one that stops or deletes something, a
	 * choice whose selected answer is Cancel, naming what stops and what is kept; for one that cannot
	 * be undone by running it again, the modal and then the group's name typed.
	 */
	async confirm({ action, group, checks, profileId, project }: Parameters<Ports['confirm']>[0]): Promise<boolean> {
		const title = actionTitle(action);
		const rule = ACTIONS[action];
		const profile = profileId === undefined ? undefined : this.profileOf?.(profileId);
		const question = confirmQuestion(title, group.name, profile && accountText(profile, project?.domainId));
		if (rule.danger === 'cancelFirst') {
			return this.decide(question, title, [
				{ heading: vscode.l10n.t('What it does'), lines: consequenceLines(action, group, checks) },
				{ heading: vscode.l10n.t('Pre-flight checks'), lines: checks.map(checkLine) },
			]);
		}
		const move = moveOf(action, group);
		const checked = checks.flatMap((c) => (c.id === 'productionServersStopped' ? [checkedServersText(c)] : []));
		const direction = move ? `${[directionText(group), ...checked, powerOnText(move.to)].join('\n')}\n\n` : '';
		const asked = await this.prompts.confirm(
			question,
			`${direction}${consequences(action)}\n\n${vscode.l10n.t('Pre-flight checks:')}\n${checkList(checks)}`,
			rule.danger === 'typed' ? vscode.l10n.t('Continue…') : title,
		);
		if (!asked || rule.danger !== 'typed') {
			return asked;
		}
		const typed = await this.prompts.input({
			title: vscode.l10n.t('{0} for protection group “{1}”', title, group.name),
			prompt: vscode.l10n.t('Type the name of the protection group to confirm: {0}', group.name),
			ignoreFocusOut: true,
			validateInput: (v) => (v.trim() === group.name ? undefined : vscode.l10n.t('Type the name exactly as shown.')),
		});
		return typed?.trim() === group.name;
	}

	/**
	 * A destructive action's question with nothing destructive pre-selected (decide.ts): Cancel is
	 * the selected answer, `verb` the other; the sections say what it does. Resolves true only when
	 * the user chose `verb`.
	 */
	async decide(question: string, verb: string, sections: readonly Section[]): Promise<boolean> {
		const chosen = await this.prompts.decide(decisionItems(verb, sections), {
			title: pickText(question),
			placeholder: vscode.l10n.t('Cancel is selected: Enter sends nothing. To go ahead, choose “{0}”.', verb),
		});
		return chosen?.answer === 'go';
	}

	alert(a: Alert): Thenable<void> {
		const title = actionTitle(a.action);
		if (a.kind === 'preflightFailed') {
			return this.prompts.alert(vscode.l10n.t('{0} cannot run on “{1}”: a pre-flight check failed.', title, a.group.name), checkList(a.checks));
		}
		const ex = explain(a.error.code);
		return this.prompts.alert(vscode.l10n.t('{0} was refused for “{1}”: {2}', title, a.group.name, describeError(a.error)), ex ? `${ex.explanation}\n\n${ex.fix}` : undefined);
	}

	progress<T>(what: ProgressOf, task: (report: (status: string) => void) => Promise<T>): Thenable<T> {
		if (what.kind === 'checking') {
			return say.progress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('{0}: checking “{1}”…', actionTitle(what.action), what.group.name) }, () => task(() => undefined));
		}
		if (what.kind === 'batch') {
			// A plan's step: the plan's one progress shows it.
			return what.planRunId ? Promise.resolve(task(() => undefined)) : this.batchProgress(what, task);
		}
		const { job } = what;
		const title = vscode.l10n.t('{0}: “{1}”', actionTitle(job.action), job.groupName);
		return say.progress({ location: vscode.ProgressLocation.Notification, title, cancellable: false }, async (progress) => {
			let status = job.lastStatus ?? 'INIT';
			const tick = (): void => progress.report({ message: vscode.l10n.t('Job {0} · {1} elapsed · keeps running if you hide this', status, formatElapsed(Date.now() - job.startedAt)) });
			tick();
			const timer = setInterval(tick, 1000);
			try {
				return await task((s) => {
					status = s;
					tick();
				});
			} finally {
				clearInterval(timer);
			}
		});
	}

	/** One notification for a whole batch; its Cancel button stops what has not been sent. */
	private batchProgress<T>(what: Extract<ProgressOf, { kind: 'batch' }>, task: (report: (status: string) => void) => Promise<T>): Thenable<T> {
		const title = vscode.l10n.t('{0} for {1} protection groups', actionTitle(what.action), what.counts().total);
		return say.progress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
			token.onCancellationRequested(() => what.stop());
			let shown = '';
			const tick = (): void => {
				const text = batchProgressText(what.counts(), what.stopped());
				if (text !== shown) {
					shown = text;
					progress.report({ message: text });
				}
			};
			tick();
			const timer = setInterval(tick, 1000);
			try {
				return await task(tick);
			} finally {
				clearInterval(timer);
			}
		});
	}

	notify(n: Notice): void {
		switch (n.kind) {
			case 'batchEnded': {
				if (n.batch.planRunId) {
					return; // the plan's run reports its steps
				}
				const report = vscode.l10n.t('Show Report');
				const copy = vscode.l10n.t('Copy Summary');
				const c = n.counts;
				const show = c.failed + c.refused + c.notApplied + c.notFollowed > 0 ? say.error : c.unsent > 0 ? say.warn : say.info;
				void show(batchEndedText(n.batch.action, c), report, copy).then((choice) => {
					if (choice) {
						this.batchButtons?.(choice === copy ? 'copy' : 'report', n.batch.batchId);
					}
				});
				return;
			}
			case 'busy':
				void say.warn(vscode.l10n.t('An action on “{0}” is already being prepared in this window.', n.group.name));
				return;
			case 'jobRunning':
				void say.warn(
					n.jobId
						? vscode.l10n.t('“{0}” already has a job running ({1}). Wait for it to end before starting another action.', n.group.name, n.jobId)
						: vscode.l10n.t('“{0}” already has a job running. Wait for it to end before starting another action.', n.group.name),
				);
				return;
			case 'appliedAfterLostAnswer':
				if (isDrillKind(n.action)) {
					void say.warn(
						vscode.l10n.t(
							'The answer to {0} for “{1}” was lost, but the group’s DR drills show that it was applied. It was not sent again; the drill is followed until it settles.',
							actionTitle(n.action),
							n.group.name,
						),
					);
					return;
				}
				void say.warn(
					vscode.l10n.t(
						'The answer to {0} for “{1}” was lost, but the group is now “{2}”: the request was applied. It was not sent again; the group is followed until it settles.',
						actionTitle(n.action),
						n.group.name,
						statusLabel(n.group.status),
					),
				);
				return;
			case 'noAnswer':
				if (isDrillKind(n.action)) {
					void say.warn(
						vscode.l10n.t(
							'No answer to {0} for “{1}” ({2}). It was not sent again; the group’s DR drills are read for up to {3} s to find out whether it was applied.',
							actionTitle(n.action),
							n.group.name,
							describeError(n.error),
							Math.round(n.windowMs / 1000),
						),
					);
					return;
				}
				void say.warn(
					vscode.l10n.t(
						'No answer to {0} for “{1}” ({2}). It was not sent again; the group is read for up to {3} s to find out whether it was applied.',
						actionTitle(n.action),
						n.group.name,
						describeError(n.error),
						Math.round(n.windowMs / 1000),
					),
				);
				return;
			case 'notApplied':
				if (isDrillKind(n.action)) {
					this.withLogButton(
						say.error(
							vscode.l10n.t('{0} for “{1}” was not applied: no answer came, and the group’s DR drills did not change. Nothing was sent twice; you can try again.', actionTitle(n.action), n.group.name),
							vscode.l10n.t('Show Log'),
						),
					);
					return;
				}
				this.withLogButton(
					say.error(
						vscode.l10n.t('{0} for “{1}” was not applied: no answer came, and the group did not change. Nothing was sent twice; you can try again.', actionTitle(n.action), n.group.name),
						vscode.l10n.t('Show Log'),
					),
				);
				return;
			case 'outcomeUnknown':
				this.withLogButton(
					say.error(
						vscode.l10n.t(
							'{0} for “{1}” got no answer, and the group could not be read to find out{2}. It may have been applied: refresh before doing anything else; the job stays in the Jobs view.',
							actionTitle(n.action),
							n.group.name,
							n.error ? ` (${describeError(n.error)})` : '',
						),
						vscode.l10n.t('Show Log'),
					),
				);
				return;
			case 'succeeded':
				if (n.job.action === 'createDrill') {
					void say.info(drillCreatedText(n.job.drill?.name ?? '', n.job.groupName, n.drillServers ?? []));
					return;
				}
				void setContextKey('sdrs.protectionEnabled', true);
				if (n.job.action !== 'deleteDrill' && ACTIONS[n.job.action].flips) {
					// The walkthrough's DR-loop step: production has moved.
					void setContextKey('sdrs.productionMoved', true);
				}
				void say.info(succeededText(n.job.action, n.job.groupName));
				return;
			case 'failed': {
				const { job } = n;
				const ex = explain(job.errorCode);
				const subs = n.failedSubJobs.map((s: Job) => `${s.jobType || s.jobId}: ${s.errorCode ?? ''} ${s.failReason ?? ''}`.trim());
				this.log.error([...subs.map((s) => `  failing sub-job ${s}`), ex ? `  fix: ${ex.fix}` : ''].filter(Boolean).join('\n') || `  job ${job.jobId}: no sub-job details`);
				const message = vscode.l10n.t(
					'{0} failed for “{1}”: {2} {3}{4}{5}',
					actionTitle(job.action),
					job.groupName,
					job.errorCode ?? '',
					job.failReason ?? '',
					subs.length ? ` ${vscode.l10n.t('Failing sub-jobs: {0}.', subs.join('; '))}` : '',
					ex ? ` ${ex.fix}` : '',
				);
				this.withLogButton(say.error(message, vscode.l10n.t('Show Details')));
				return;
			}
			case 'stoppedFollowing': {
				const detail = n.error ? describeError(n.error) : vscode.l10n.t('still {0} after {1}', n.job.lastStatus ?? '?', formatElapsed(n.elapsedMs));
				this.withLogButton(
					say.warn(
						vscode.l10n.t('Stopped following job {0} for “{1}” ({2}). It may still be running: follow it again or dismiss it in the Jobs view.', n.job.jobId, n.job.groupName, detail),
						vscode.l10n.t('Show Log'),
					),
				);
				return;
			}
		}
	}

	private withLogButton(choice: Thenable<string | undefined>): void {
		void choice.then((c) => c && this.showLog());
	}
}
