// The Jobs view: running and recent jobs of every window (they live in globalState), with action,
// group, status, start, duration and outcome; a Markdown summary for change tickets and DR audits.
import * as vscode from 'vscode';
import { regionName } from '../../core/endpoints';
import { batchCounts, batchDone } from '../../core/batch';
import type { JobStore } from '../../core/jobStore';
import type { BatchEntry, StoredBatch, StoredJob } from '../../core/records';
import { PROFILE_REMOVED } from '../../core/records';
import { accountText, type ProfileStore } from '../services/profiles';
import { batchProgressText, entryState } from '../batchReport';
import { markdownText, safeText } from '../../core/safeText';
import { ACTIONS, isDrillKind, moveOf } from '../../core/actions';
import type { ProtectionGroup } from '../../core/model';
import { actionTitle, explain, formatElapsed, jobState, moveText, siteText } from '../text';
import { untrustedLines } from './untrusted';
import { runEnded, type PlanRunStore } from '../../core/plans/runStore';
import type { StoredPlanRun } from '../../core/plans/types';
import { drillsLeft } from '../../core/plans/cleanUp';
import { modeTitle, planProgressText, runStateText } from '../planReport';

/** A batch in the Jobs view: one parent, its groups as children. */
export interface BatchItem {
	kind: 'batch';
	batch: StoredBatch;
}

/** A group of a batch that has no job (refused, not sent, or not sent yet). */
export interface EntryItem {
	kind: 'entry';
	batch: StoredBatch;
	entry: BatchEntry;
}

/** A recovery plan's run: one parent, its steps' batches (or a rehearsal's drill jobs) as children. */
export interface PlanRunItem {
	kind: 'planRun';
	run: StoredPlanRun;
}

export type JobsElement = StoredJob | BatchItem | EntryItem | PlanRunItem;

const isJob = (e: JobsElement): e is StoredJob => !('kind' in e);

export class JobsProvider implements vscode.TreeDataProvider<JobsElement>, vscode.Disposable {
	private readonly changed = new vscode.EventEmitter<JobsElement | undefined>();
	readonly onDidChangeTreeData = this.changed.event;
	private readonly subscription: vscode.Disposable;
	private readonly ticker: NodeJS.Timeout;

	private readonly runsChanged?: vscode.Disposable;

	constructor(
		private readonly jobs: JobStore,
		private readonly profiles: ProfileStore,
		private readonly runs?: PlanRunStore,
	) {
		this.subscription = jobs.onDidChange(() => this.changed.fire(undefined));
		this.runsChanged = runs?.onDidChange(() => this.changed.fire(undefined));
		// Running jobs show their duration; redraw them while any runs.
		this.ticker = setInterval(() => {
			if (this.jobs.all().some((j) => !j.outcome) || this.jobs.batches().some((b) => !b.endedAt)) {
				this.changed.fire(undefined);
			}
		}, 5000);
	}

	dispose(): void {
		clearInterval(this.ticker);
		this.subscription.dispose();
		this.runsChanged?.dispose();
		this.changed.dispose();
	}

	getChildren(element?: JobsElement): JobsElement[] {
		if (element && 'kind' in element && element.kind === 'batch') {
			// The batch's groups in plan order: their jobs, or what became of them.
			const batch = this.jobs.batch(element.batch.batchId) ?? element.batch;
			return batch.entries.map((entry): JobsElement => (entry.jobId && this.jobs.jobOrResult(entry.jobId)) || { kind: 'entry', batch, entry });
		}
		if (element && 'kind' in element && element.kind === 'planRun') {
			const run = this.runs?.get(element.run.runId) ?? element.run;
			return run.steps.flatMap((s): JobsElement[] => {
				const batch = s.batchId ? this.jobs.batch(s.batchId) : undefined;
				if (batch) {
					return [{ kind: 'batch', batch }];
				}
				return (s.groups ?? []).flatMap((g) => (g.jobId ? (this.jobs.jobOrResult(g.jobId) ?? []) : []));
			});
		}
		if (element) {
			return [];
		}
		const runs = this.runs?.all() ?? [];
		const inRun = new Set(runs.flatMap((r) => r.steps.flatMap((s) => [...(s.batchId ? [s.batchId] : []), ...(s.groups ?? []).flatMap((g) => (g.jobId ? [g.jobId] : []))])));
		const batches = this.jobs.batches().filter((b) => !b.planRunId);
		const known = new Set(this.jobs.batches().map((b) => b.batchId));
		const top: { el: JobsElement; running: boolean; at: number }[] = [
			...runs.map((run) => ({ el: { kind: 'planRun' as const, run }, running: !runEnded(run), at: run.confirmedAt })),
			...batches.map((batch) => ({ el: { kind: 'batch' as const, batch }, running: !batch.endedAt, at: batch.startedAt })),
			...this.jobs
				.all()
				.filter((j) => (!j.batchId || !known.has(j.batchId)) && !inRun.has(j.jobId))
				.map((j) => ({ el: j, running: !j.outcome, at: j.startedAt })),
		];
		// Running first, then newest first.
		return top.sort((a, b) => Number(b.running) - Number(a.running) || b.at - a.at).map((t) => t.el);
	}

	getTreeItem(element: JobsElement): vscode.TreeItem {
		if (!isJob(element)) {
			return element.kind === 'batch' ? this.batchItem(element.batch) : element.kind === 'planRun' ? this.runItem(element.run) : entryItem(element);
		}
		const job = element;
		const item = new vscode.TreeItem(safeText(job.groupName, 'tree'), vscode.TreeItemCollapsibleState.None);
		item.id = `job/${job.jobId}`;
		const state = jobState(job);
		const duration = formatElapsed((job.endedAt ?? Date.now()) - job.startedAt);
		const account = this.accountOf(job);
		const move = moveOf(job.action, job.before);
		item.description = safeText([actionTitle(job.action), move && moveText(move), state, account, new Date(job.startedAt).toLocaleTimeString(), duration].filter(Boolean).join(' · '), 'tree');
		item.iconPath = job.notFollowed
			? new vscode.ThemeIcon('debug-pause', new vscode.ThemeColor('list.warningForeground'))
			: !job.outcome
				? new vscode.ThemeIcon('loading~spin')
				: job.outcome === 'SUCCESS'
					? new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'))
					: job.outcome === 'FAIL'
						? new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'))
						: new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
		item.contextValue = job.outcome ? 'job finished' : job.notFollowed ? 'job notFollowed' : 'job running';
		item.accessibilityInformation = {
			label:
				vscode.l10n.t('Job {0} on {1}: {2}, started {3}, {4}', actionTitle(job.action), job.groupName, state, new Date(job.startedAt).toLocaleString(), duration) +
				(move ? `, ${vscode.l10n.t('production from {0} to {1}', siteText(move.from), siteText(move.to))}` : '') +
				(account ? `, ${vscode.l10n.t('account {0}', account)}` : ''),
		};
		item.tooltip = untrustedLines(summaryLines(job, this.profiles.get(job.profile)?.name, account));
		item.command = { command: 'sdrs.revealGroup', title: vscode.l10n.t('Reveal the Protection Group'), arguments: [job] };
		return item;
	}

	/** The account a job acted in, by name when its profile knows it. */
	accountOf(job: StoredJob): string | undefined {
		const profile = this.profiles.get(job.profile);
		return (profile && accountText(profile, job.account)) ?? job.account;
	}

	private runItem(stored: StoredPlanRun): vscode.TreeItem {
		const run = this.runs?.get(stored.runId) ?? stored;
		const ended = runEnded(run);
		// The plan's name is text from a repository: shown as text only.
		const item = new vscode.TreeItem(safeText(vscode.l10n.t('Plan “{0}” · {1}', run.planName, modeTitle(run.mode)), 'tree'), vscode.TreeItemCollapsibleState.Collapsed);
		item.id = `planRun/${run.runId}`;
		item.description = safeText(`${ended ? runStateText(run) : planProgressText(run)} · ${new Date(run.confirmedAt).toLocaleTimeString()}`, 'tree');
		item.iconPath = !ended
			? new vscode.ThemeIcon(run.state === 'paused' ? 'debug-pause' : 'loading~spin')
			: run.state === 'ended' && !run.steps.some((s) => s.state === 'failed')
				? new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'))
				: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'));
		item.contextValue = `planRun ${ended ? 'finished' : 'running canStopPlan'}${run.state === 'paused' ? ' canContinuePlan' : ''}${drillsLeft(run).length ? ' hasDrills' : ''}`;
		item.tooltip = untrustedLines([run.planName, run.source, `${run.projectName} (${run.projectId})`, runStateText(run)]);
		item.accessibilityInformation = { label: vscode.l10n.t('Plan “{0}” · {1}', run.planName, modeTitle(run.mode)) };
		item.command = { command: 'sdrs.showPlanReport', title: vscode.l10n.t('Show Plan Report'), arguments: [run.runId] };
		return item;
	}

	private batchItem(stored: StoredBatch): vscode.TreeItem {
		const batch = this.jobs.batch(stored.batchId) ?? stored;
		const counts = batchCounts(batch, (id) => this.jobs.get(id));
		// A batch that moves production in one direction names it; its groups name theirs.
		const moves = [...new Set(batch.entries.map((e) => moveOf(batch.action, e.before)).map((m) => m && moveText(m)))];
		const move = moves.length === 1 ? moves[0] : undefined;
		const item = new vscode.TreeItem(
			safeText(
				move
					? vscode.l10n.t('{0} · {1} · {2} protection groups', actionTitle(batch.action), move, batch.entries.length)
					: vscode.l10n.t('{0} · {1} protection groups', actionTitle(batch.action), batch.entries.length),
				'tree',
			),
			vscode.TreeItemCollapsibleState.Collapsed,
		);
		item.id = `batch/${batch.batchId}`;
		const ended = !!batch.endedAt || batchDone(counts);
		const bad = counts.failed + counts.refused + counts.notApplied + counts.notFollowed;
		item.description = `${batchProgressText(counts, batch.stopped)} · ${new Date(batch.startedAt).toLocaleTimeString()} · ${formatElapsed((batch.endedAt ?? Date.now()) - batch.startedAt)}`;
		item.iconPath = !ended
			? new vscode.ThemeIcon('loading~spin')
			: bad
				? new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'))
				: counts.unsent
					? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'))
					: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
		item.contextValue = `batch ${ended ? 'finished' : 'running'}${!ended && counts.queued && !batch.stopped ? ' canStop' : ''}`;
		item.accessibilityInformation = {
			label: vscode.l10n.t('Batch {0} for {1} protection groups: {2}', actionTitle(batch.action), batch.entries.length, batchProgressText(counts, batch.stopped)) + (move ? `, ${move}` : ''),
		};
		return item;
	}
}

function entryItem({ batch, entry }: EntryItem): vscode.TreeItem {
	const item = new vscode.TreeItem(safeText(entry.groupName, 'tree'), vscode.TreeItemCollapsibleState.None);
	const state = entryState(entry, undefined);
	const move = moveOf(batch.action, entry.before);
	item.description = safeText([move && moveText(move), state].filter(Boolean).join(' · '), 'tree');
	item.iconPath =
		entry.state === 'refused'
			? new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'))
			: entry.state === 'unsent'
				? new vscode.ThemeIcon('circle-slash')
				: new vscode.ThemeIcon('clock');
	item.contextValue = 'batchEntry';
	// An entry names its group as a job does: the same command reveals it.
	item.command = { command: 'sdrs.revealGroup', title: vscode.l10n.t('Reveal the Protection Group'), arguments: [entry] };
	item.tooltip = [entry.groupName, `${entry.projectName} (${entry.projectId})`, state, entry.error ?? '']
		.filter(Boolean)
		.map((line) => safeText(line, 'tree'))
		.join('\n');
	item.accessibilityInformation = { label: `${entry.groupName}: ${state}` };
	return item;
}

/** What was sent: a drill's POST or DELETE, or the action's body (its key names it). */
function requestOf(job: StoredJob): string {
	if (job.drill || isDrillKind(job.action)) {
		return `${job.action === 'deleteDrill' ? 'DELETE' : 'POST'} disaster-recovery-drills`;
	}
	// The body's one key; a switchover's also depends on the station only.
	return Object.keys(ACTIONS[job.action].body({ priorityStation: job.before?.priorityStation ?? 'source' } as ProtectionGroup))[0];
}

function summaryLines(job: StoredJob, profileName: string | undefined, account = job.account): string[] {
	const region = regionName(job.region);
	const move = moveOf(job.action, job.before);
	return [
		`${vscode.l10n.t('Profile')}: ${profileName ?? job.profile}`,
		`${vscode.l10n.t('Account')}: ${account ?? '—'}`,
		`${vscode.l10n.t('Region')}: ${job.region}${region ? ` (${region})` : ''}`,
		`${vscode.l10n.t('Project')}: ${job.projectName} (${job.projectId})`,
		`${vscode.l10n.t('Protection group')}: ${job.groupName} (${job.groupId})`,
		`${vscode.l10n.t('Action')}: ${actionTitle(job.action)} (${requestOf(job)})`,
		...(move ? [`${vscode.l10n.t('Direction')}: ${vscode.l10n.t('production from {0} to {1}', siteText(move.from), siteText(move.to))}`] : []),
		...(job.drill ? [`${vscode.l10n.t('DR drill')}: ${job.drill.name}${job.drill.id ? ` (${job.drill.id})` : ''}`] : []),
		`${vscode.l10n.t('Job ID')}: ${job.trackBy === 'group' ? vscode.l10n.t('unknown (the answer was lost; the group was followed)') : job.jobId}`,
		`${vscode.l10n.t('Started')}: ${new Date(job.startedAt).toISOString()}`,
		`${vscode.l10n.t('Ended')}: ${job.endedAt ? new Date(job.endedAt).toISOString() : '—'}`,
		`${vscode.l10n.t('Outcome')}: ${jobState(job)}${job.failReason ? ` — ${job.failReason === PROFILE_REMOVED ? vscode.l10n.t('not followed: its profile was removed') : job.failReason}` : ''}`,
	];
}

/** A Markdown record of a job for change tickets and DR audits. Server text is escaped. */
export function jobSummaryMarkdown(job: StoredJob, profileName: string | undefined, account?: string): string {
	const esc = markdownText;
	const rows = summaryLines(job, profileName, account ?? job.account).map((line) => {
		const i = line.indexOf(': ');
		return `| ${esc(line.slice(0, i))} | ${esc(line.slice(i + 2))} |`;
	});
	const fix = job.outcome === 'FAIL' ? explain(job.errorCode)?.fix : undefined;
	return [
		`### SDRS: ${esc(actionTitle(job.action))} — ${esc(job.groupName)}`,
		'',
		`| ${vscode.l10n.t('Field')} | ${vscode.l10n.t('Value')} |`,
		'|---|---|',
		...rows,
		...(fix ? ['', `${vscode.l10n.t('Fix')}: ${esc(fix)}`] : []),
		'',
	].join('\n');
}
