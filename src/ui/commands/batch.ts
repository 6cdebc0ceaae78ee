// Enable Protection (Again) for many groups as one plan: the groups come from the tree's selection,
// a project's groups of the right status, or the Command Palette; every pre-flight check runs with
// progress, the plan shows each group eligible or not and why, the user unticks what should wait
// and types the number of groups to confirm; then one batch (core/batch.ts) sends and follows them.
import * as vscode from 'vscode';
import { pickText, say } from '../say';
import { ACTIONS, actionsFor, moveOf, type ActionKind, type Site } from '../../core/actions';
import { MAX_BATCH, batchCounts, type PlanEntry } from '../../core/batch';
import type { StoredBatch } from '../../core/records';
import { batchReportMarkdown, batchSummaryMarkdown, countsText } from '../batchReport';
import { actionTitle, consequences, describeError, filterLabel, moveText, powerOnText, projectPlanTitle, statusLabel, statusesText } from '../text';
import { checkDetail } from '../checkText';
import type { GroupNode, Node } from '../views/groupsTree';
import type { CommandContext } from './context';
import { pickProject } from './pickers';
import { setContextKey } from '../services/contextKeys';
import { accountText } from '../services/profiles';

export type PlanItem = vscode.QuickPickItem & { entry?: PlanEntry };

/** The plan as QuickPick items: eligible groups first, ticked; then the others, each with why. */
export function planItems(plan: readonly PlanEntry[], manyProjects: boolean, action?: ActionKind): PlanItem[] {
	const item = (p: PlanEntry): PlanItem => {
		const failed = p.checks.filter((c) => !c.ok);
		const why = p.overLimit
			? vscode.l10n.t('one batch sends at most {0} groups: plan these again as another batch', MAX_BATCH)
			: p.error
				? vscode.l10n.t('could not be checked: {0}', describeError(p.error))
				: failed.map((c) => checkDetail(c)).join('; ');
		const found = p.checks.filter((c) => c.ok && c.id !== 'status' && c.id !== 'noJobInFlight').map((c) => checkDetail(c));
		const move = action && moveOf(action, p.group);
		return {
			label: `${p.eligible ? '' : '$(circle-slash) '}${pickText(p.group.name)}`,
			description: pickText([statusLabel(p.group.status), move ? moveText(move) : undefined, manyProjects ? p.target.project.name : undefined].filter(Boolean).join(' · ')),
			detail: pickText(p.eligible ? found.join(' · ') : vscode.l10n.t('Not eligible, never sent: {0}', why)),
			picked: p.eligible,
			entry: p,
		};
	};
	const eligible = plan.filter((p) => p.eligible).map(item);
	const others = plan.filter((p) => !p.eligible).map(item);
	return others.length ? [...eligible, { label: vscode.l10n.t('Not eligible (never sent)'), kind: vscode.QuickPickItemKind.Separator }, ...others] : eligible;
}

/** The account a planned group is in, by name when its profile knows it. */
function accountOfTarget(c: CommandContext, t: { profileId: string; project: { domainId?: string } }): string | undefined {
	const profile = c.profiles.get(t.profileId);
	return (profile && accountText(profile, t.project.domainId)) ?? t.project.domainId;
}

/**
 * For a batch that moves production: each direction with how many groups take it, the servers the
 * checks found stopped (each group's are named in the plan), and where to power them on afterwards.
 */
function movesText(action: ActionKind, send: readonly PlanEntry[]): string[] {
	const moves = new Map<string, { count: number; to: Site }>();
	for (const e of send) {
		const move = moveOf(action, e.group);
		if (move) {
			const key = moveText(move);
			moves.set(key, { count: (moves.get(key)?.count ?? 0) + 1, to: move.to });
		}
	}
	if (!moves.size) {
		return [];
	}
	const stopped = send.flatMap((e) => e.checks.filter((c) => c.id === 'productionServersStopped').flatMap((c) => c.facts.stoppedNames ?? []));
	return [
		vscode.l10n.t('Production moves: {0}.', [...moves].map(([key, m]) => (m.count === 1 ? vscode.l10n.t('{0} (1 group)', key) : vscode.l10n.t('{0} ({1} groups)', key, m.count))).join('; ')),
		...(ACTIONS[action].checks.includes('productionServersStopped')
			? [vscode.l10n.t('Checked: {0} servers at the production sites are stopped (each group’s are named in the plan).', stopped.length)]
			: []),
		...[...new Set([...moves.values()].map((m) => powerOnText(m.to)))],
	];
}

/** The typed confirmation: exactly the number of groups. */
export const typedCountOk = (typed: string | undefined, count: number): boolean => typed?.trim() === String(count);

/**
 * The plan for these groups, the user's choice and confirmation, then the batch. Resolves with the
 * batch id once it is recorded (sending has started), or undefined when nothing was sent.
 */
export async function planAndRun(c: CommandContext, action: ActionKind, groups: readonly GroupNode[], scope?: string): Promise<string | undefined> {
	const title = actionTitle(action);
	if (!groups.length) {
		void say.info(vscode.l10n.t('{0}: no protection group to plan for.', title));
		return undefined;
	}
	const targets = groups.map((g) => ({ profileId: g.profile.id, project: g.project, group: g.group }));
	const plan = await say.progress(
		{ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('{0}: checking {1} protection groups…', title, targets.length), cancellable: true },
		(progress, token) => {
			const stop = new AbortController();
			token.onCancellationRequested(() => stop.abort());
			return c.workflow.batches
				.plan(targets, action, (done, total) => progress.report({ message: vscode.l10n.t('{0} of {1}', done, total), increment: 100 / total }), stop.signal)
				.then((p) => (stop.signal.aborted ? undefined : p));
		},
	);
	if (!plan) {
		return undefined;
	}
	const eligible = plan.filter((p) => p.eligible).length;
	const manyProjects = new Set(plan.map((p) => `${p.target.profileId}/${p.target.project.id}`)).size > 1;
	const chosen = await c.ports.prompts.choose(planItems(plan, manyProjects, action), {
		title: pickText(vscode.l10n.t('{0}: {1} of {2} protection groups eligible{3}', title, eligible, plan.length, scope ? ` · ${scope}` : '')),
		placeholder: vscode.l10n.t('Untick what should wait, then press Enter (⊘: never sent)'),
		locked: (i) => !i.entry?.eligible,
	});
	// Ineligible groups are dropped again here, whatever came back.
	const send = (chosen ?? []).flatMap((i) => (i.entry?.eligible ? [i.entry] : []));
	if (!chosen) {
		return undefined;
	}
	if (!send.length) {
		void say.info(vscode.l10n.t('{0}: no group chosen; nothing was sent.', title));
		return undefined;
	}
	if (send.length === 1) {
		// One group: the one confirmation of one action (its danger decides: a modal, or the name typed).
		const only = send[0];
		if (!(await c.ports.confirm({ action, group: only.group, checks: only.checks, profileId: only.target.profileId, project: only.target.project }))) {
			return undefined;
		}
	} else {
		const typed = await c.ports.prompts.input({
			title: vscode.l10n.t('{0} for {1} protection groups', title, send.length),
			prompt: [
				vscode.l10n.t('Accounts: {0}.', [...new Set(send.map((e) => accountOfTarget(c, e.target) ?? '?'))].join(', ')),
				...movesText(action, send),
				vscode.l10n.t('{0} Each group is sent once, a few at a time. Type {1} to confirm.', consequences(action), send.length),
			].join(' '),
			placeHolder: String(send.length),
			ignoreFocusOut: true,
			validateInput: (v) => (typedCountOk(v, send.length) || v.trim() === '' ? undefined : vscode.l10n.t('Type {0}, the number of groups, to confirm.', send.length)),
		});
		if (!typedCountOk(typed, send.length)) {
			if (typed !== undefined) {
				void say.info(vscode.l10n.t('{0}: the number typed was not {1}; nothing was sent.', title, send.length));
			}
			return undefined;
		}
	}
	const { batch } = await c.workflow.batches.start(send, action);
	void setContextKey('sdrs.batchStarted', true);
	return batch.batchId;
}

/** The tree's selection (when the command came with several groups), or undefined. */
export function selectedGroups(nodes: readonly Node[] | undefined): GroupNode[] | undefined {
	const groups = (nodes ?? []).filter((n): n is GroupNode => n.type === 'group');
	return groups.length > 1 ? groups : undefined;
}

/** Every group of a project whose status allows `action` (the profile's filter applies). */
export async function projectPlan(c: CommandContext, action: ActionKind, node?: Node): Promise<string | undefined> {
	const title = projectPlanTitle(action);
	const picked = node?.type === 'project' ? { profile: node.profile, project: node.project } : await pickProject(c, title);
	if (!picked) {
		return undefined;
	}
	const { profile, project } = picked;
	const filter = c.filters.get(profile.id);
	const all = await say.progress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Loading protection groups…') }, () => c.clients.client(profile).listGroups(project, filter));
	const groups = all.filter((g) => actionsFor(g.status).includes(action)).map((group): GroupNode => ({ type: 'group', profile, project, group }));
	if (!groups.length) {
		void say.info(vscode.l10n.t('No protection group in {0} is waiting for {1} (status {2}).', project.name, actionTitle(action), statusesText(ACTIONS[action].from)));
		return undefined;
	}
	const label = filterLabel(filter);
	return planAndRun(c, action, groups, [project.name, label ? vscode.l10n.t('filter: {0}', label) : undefined].filter(Boolean).join(' · '));
}

/** A batch given by the Jobs view, or one picked from the recorded batches. */
async function whichBatch(c: CommandContext, given: { batch: StoredBatch } | undefined, title: string, running: boolean): Promise<StoredBatch | undefined> {
	if (given?.batch) {
		return c.store.batch(given.batch.batchId) ?? given.batch;
	}
	const batches = c.store.batches().filter((b) => !running || !b.endedAt);
	if (batches.length <= 1) {
		return batches[0];
	}
	const pick = await vscode.window.showQuickPick(
		[...batches].reverse().map((b) => ({
			label: pickText(`${actionTitle(b.action)} · ${vscode.l10n.t('{0} protection groups', b.entries.length)}`),
			description: pickText(new Date(b.startedAt).toLocaleString()),
			detail: pickText(countsText(batchCounts(b, (id) => c.store.get(id)))),
			batch: b,
		})),
		{ title },
	);
	return pick?.batch;
}

export async function stopBatch(c: CommandContext, given?: { batch: StoredBatch }): Promise<boolean> {
	const batch = await whichBatch(c, given, vscode.l10n.t('Stop sending which batch?'), true);
	if (!batch) {
		return false;
	}
	if (!c.workflow.batches.stop(batch.batchId)) {
		void say.info(batch.endedAt ? vscode.l10n.t('That batch has ended.') : vscode.l10n.t('Everything in that batch was sent already, or it was stopped.'));
		return false;
	}
	void say.status(vscode.l10n.t('Stopping: nothing more is sent; what was sent is followed to its end.'), 5000);
	return true;
}

export async function showBatchReport(c: CommandContext, given?: { batch: StoredBatch }): Promise<void> {
	const batch = await whichBatch(c, given, vscode.l10n.t('Show the report of which batch?'), false);
	if (!batch) {
		return;
	}
	// A report a person files opens in an editor tab (Markdown they can read, preview, save or copy), not a modal.
	const jobOf = (id: string): ReturnType<typeof c.store.get> => c.store.jobOrResult(id);
	const content = batchReportMarkdown(batch, batchCounts(batch, jobOf), jobOf, (id) => c.profiles.get(id)?.name);
	await c.reports.show(vscode.l10n.t('Report of the {0} batch', actionTitle(batch.action)), content);
}

export async function copyBatchSummary(c: CommandContext, given?: { batch: StoredBatch }): Promise<void> {
	const batch = await whichBatch(c, given, vscode.l10n.t('Copy the summary of which batch?'), false);
	if (!batch) {
		return;
	}
	const jobOf = (id: string): ReturnType<typeof c.store.get> => c.store.jobOrResult(id);
	await vscode.env.clipboard.writeText(batchSummaryMarkdown(batch, batchCounts(batch, jobOf), jobOf, (id) => c.profiles.get(id)?.name));
	void say.status(vscode.l10n.t('Copied the summary of the batch ({0} groups)', batch.entries.length), 3000);
}
