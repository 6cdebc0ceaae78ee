// Commands on recorded jobs: Copy Job Summary and revealing a job's group in the tree.
import * as vscode from 'vscode';
import { pickText, say } from '../say';
import type { StoredJob } from '../../core/records';
import { actionTitle } from '../text';
import { jobSummaryMarkdown } from '../views/jobsView';
import type { ProjectNode } from '../views/groupsTree';
import type { CommandContext } from './context';
import { accountText } from '../services/profiles';

export type GroupRef = Pick<StoredJob, 'profile' | 'projectId' | 'projectName' | 'region' | 'groupId' | 'groupName'>;

export async function copyJobSummary(c: CommandContext, job?: StoredJob): Promise<void> {
	let target = job;
	if (!target) {
		const all = c.store.all();
		const pick = await vscode.window.showQuickPick(
			all.map((j) => ({ label: pickText(j.groupName), description: pickText(`${actionTitle(j.action)} · ${j.outcome ?? j.lastStatus ?? ''} · ${new Date(j.startedAt).toLocaleString()}`), job: j })),
			{ title: vscode.l10n.t('Copy the summary of which job?') },
		);
		target = pick?.job;
	}
	if (!target) {
		return;
	}
	await vscode.env.clipboard.writeText(jobSummaryMarkdown(target, c.profiles.get(target.profile)?.name, accountOfJobProfile(c, target)));
	void say.status(vscode.l10n.t('Copied the summary of job {0}', target.jobId), 3000);
}

/** Reveals the group of a job, or of a batch entry (both name their profile, project and group). */
export async function revealGroup(c: CommandContext, job?: GroupRef): Promise<void> {
	const profile = job && c.profiles.get(job.profile);
	if (!job || !profile) {
		return;
	}
	const projectNode: ProjectNode = { type: 'project', profile, project: { id: job.projectId, name: job.projectName, region: job.region, isSubProject: false } };
	const roots = await c.tree.getChildren(c.profiles.list().length > 1 ? { type: 'profile', profile } : undefined);
	const known = roots.find((n): n is ProjectNode => n.type === 'project' && n.project.id === job.projectId) ?? projectNode;
	await c.tree.getChildren(known);
	const node = c.tree.findGroup(profile.id, job.projectId, job.groupId);
	if (!node) {
		void say.warn(vscode.l10n.t('“{0}” is not in the view (it may be filtered out or deleted).', job.groupName));
		return;
	}
	await c.view.reveal(node, { select: true, focus: true, expand: true });
}

function accountOfJobProfile(c: CommandContext, job: StoredJob): string | undefined {
	const profile = c.profiles.get(job.profile);
	return (profile && accountText(profile, job.account)) ?? job.account;
}
