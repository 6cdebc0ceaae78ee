// The Jobs view: running and recent jobs of every window (they live in globalState), with action,
// group, status, start, duration and outcome; a Markdown summary for change tickets and DR audits.
import * as vscode from 'vscode';
import { regionName } from '../../core/endpoints';
import type { JobStore, StoredJob } from '../../core/jobStore';
import { PROFILE_REMOVED } from '../../core/workflow';
import type { ProfileStore } from '../services/profiles';
import { actionTitle, explain, formatElapsed } from '../text';

export class JobsProvider implements vscode.TreeDataProvider<StoredJob>, vscode.Disposable {
	private readonly changed = new vscode.EventEmitter<StoredJob | undefined>();
	readonly onDidChangeTreeData = this.changed.event;
	private readonly subscription: vscode.Disposable;
	private readonly ticker: NodeJS.Timeout;

	constructor(
		private readonly jobs: JobStore,
		private readonly profiles: ProfileStore,
	) {
		this.subscription = jobs.onDidChange(() => this.changed.fire(undefined));
		// Running jobs show their duration; redraw them while any runs.
		this.ticker = setInterval(() => {
			if (this.jobs.all().some((j) => !j.outcome)) {
				this.changed.fire(undefined);
			}
		}, 5000);
	}

	dispose(): void {
		clearInterval(this.ticker);
		this.subscription.dispose();
		this.changed.dispose();
	}

	getChildren(job?: StoredJob): StoredJob[] {
		if (job) {
			return [];
		}
		// Running first, then newest first.
		return [...this.jobs.all()].sort((a, b) => Number(!!a.outcome) - Number(!!b.outcome) || b.startedAt - a.startedAt);
	}

	getTreeItem(job: StoredJob): vscode.TreeItem {
		const item = new vscode.TreeItem(job.groupName, vscode.TreeItemCollapsibleState.None);
		item.id = `job/${job.jobId}`;
		const state = jobState(job);
		const duration = formatElapsed((job.endedAt ?? Date.now()) - job.startedAt);
		item.description = `${actionTitle(job.action)} · ${state} · ${new Date(job.startedAt).toLocaleTimeString()} · ${duration}`;
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
		item.accessibilityInformation = { label: vscode.l10n.t('Job {0} on {1}: {2}, started {3}, {4}', actionTitle(job.action), job.groupName, state, new Date(job.startedAt).toLocaleString(), duration) };
		const md = new vscode.MarkdownString(undefined, false);
		md.isTrusted = false;
		md.supportHtml = false;
		md.appendText(summaryLines(job, this.profiles.get(job.profile)?.name).join('\n'));
		item.tooltip = md;
		item.command = { command: 'sdrs.revealGroup', title: vscode.l10n.t('Reveal the Protection Group'), arguments: [job] };
		return item;
	}
}

export function jobState(job: StoredJob): string {
	if (!job.outcome && job.notFollowed) {
		return job.notFollowed.reason === 'timeout' ? vscode.l10n.t('not followed: still {0} after the timeout', job.lastStatus ?? '…') : vscode.l10n.t('not followed: the service did not say how it went');
	}
	if (!job.outcome) {
		return vscode.l10n.t('running ({0})', job.lastStatus ?? '…');
	}
	switch (job.outcome) {
		case 'SUCCESS':
			return vscode.l10n.t('succeeded');
		case 'FAIL':
			return vscode.l10n.t('failed{0}', job.errorCode ? ` (${job.errorCode})` : '');
		case 'NOT_APPLIED':
			return vscode.l10n.t('not applied');
		default:
			return vscode.l10n.t('not followed to its end');
	}
}

function summaryLines(job: StoredJob, profileName: string | undefined): string[] {
	const region = regionName(job.region);
	return [
		`${vscode.l10n.t('Profile')}: ${profileName ?? job.profile}`,
		`${vscode.l10n.t('Account')}: ${job.account ?? '—'}`,
		`${vscode.l10n.t('Region')}: ${job.region}${region ? ` (${region})` : ''}`,
		`${vscode.l10n.t('Project')}: ${job.projectName} (${job.projectId})`,
		`${vscode.l10n.t('Protection group')}: ${job.groupName} (${job.groupId})`,
		`${vscode.l10n.t('Action')}: ${actionTitle(job.action)} (start-server-group)`,
		`${vscode.l10n.t('Job ID')}: ${job.trackBy === 'group' ? vscode.l10n.t('unknown (the answer was lost; the group was followed)') : job.jobId}`,
		`${vscode.l10n.t('Started')}: ${new Date(job.startedAt).toISOString()}`,
		`${vscode.l10n.t('Ended')}: ${job.endedAt ? new Date(job.endedAt).toISOString() : '—'}`,
		`${vscode.l10n.t('Outcome')}: ${jobState(job)}${job.failReason ? ` — ${job.failReason === PROFILE_REMOVED ? vscode.l10n.t('not followed: its profile was removed') : job.failReason}` : ''}`,
	];
}

/** A Markdown record of a job for change tickets and DR audits. Server text is escaped. */
export function jobSummaryMarkdown(job: StoredJob, profileName: string | undefined): string {
	const esc = (s: string): string => s.replace(/[\\`*_{}[\]()#+!|<>]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ');
	const rows = summaryLines(job, profileName).map((line) => {
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
