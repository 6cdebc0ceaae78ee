// Pickers for the Command Palette: a profile, then a project and a group that says why it cannot
// be chosen when it cannot (the same rule as the tree's menus: availability() in core/actions).
import * as vscode from 'vscode';
import { pickText, say } from '../say';
import { availability, type ActionKind } from '../../core/actions';
import type { Project } from '../../core/model';
import { accountLabel, isSimulated, type Profile } from '../services/profiles';
import { visibleProjects } from '../services/settings';
import { actionTitle, blockReasonText, statusLabel } from '../text';
import type { GroupNode } from '../views/groupsTree';
import type { CommandContext } from './context';

export async function pickProfile(c: CommandContext, title: string): Promise<Profile | undefined> {
	const all = c.profiles.list();
	if (all.length <= 1) {
		return all[0];
	}
	const active = c.profiles.active();
	const pick = await vscode.window.showQuickPick(
		all.map((p) => ({ label: pickText(p.name), description: pickText(profileDescription(p, p.id === active?.id)), profile: p })),
		{ title },
	);
	return pick?.profile;
}

export type GroupPickItem = vscode.QuickPickItem & { group?: GroupNode['group']; blocked?: string };

/**
 * Quick-pick items for every group of a project: eligible ones first; the others under a
 * separator, each with the reason it cannot be picked (status, no replication pairs, job running).
 */
export function groupPickItems(groups: readonly GroupNode['group'][], action: ActionKind, runningJobFor: (groupId: string) => string | undefined): GroupPickItem[] {
	const title = actionTitle(action);
	const items: GroupPickItem[] = groups.map((g) => {
		const a = availability(g, action, runningJobFor(g.id));
		const eligible = a.ok;
		const reason = a.blocked && blockReasonText(a.blocked);
		return {
			label: `${eligible ? '$(circle-large-outline)' : '$(circle-slash)'} ${pickText(g.name)}`,
			description: pickText(statusLabel(g.status)),
			detail: reason && pickText(reason),
			group: g,
			blocked: reason,
		};
	});
	items.sort((a, b) => Number(!!a.blocked) - Number(!!b.blocked));
	const firstBlocked = items.findIndex((i) => i.blocked);
	if (firstBlocked >= 0) {
		items.splice(firstBlocked, 0, { label: vscode.l10n.t('Not available for {0}', title), kind: vscode.QuickPickItemKind.Separator });
	}
	return items;
}

/** A profile (when there are several), then one of its projects that the settings show. */
export async function pickProject(c: CommandContext, title: string): Promise<{ profile: Profile; project: Project } | undefined> {
	const profile = c.profiles.active() && c.profiles.list().length === 1 ? c.profiles.active() : await pickProfile(c, title);
	if (!profile) {
		return undefined;
	}
	const client = c.clients.client(profile);
	const projects = await say.progress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Loading projects…') }, () => client.listProjects());
	const visible = visibleProjects(projects);
	const projectPick = await vscode.window.showQuickPick(
		visible.map((p) => ({ label: pickText(p.name), description: pickText(p.isSubProject ? vscode.l10n.t('sub-project of {0}', p.region) : p.id), project: p })),
		{ title: vscode.l10n.t('{0}: choose a project', title) },
	);
	return projectPick && { profile, project: projectPick.project };
}

export async function pickGroup(c: CommandContext, action: ActionKind): Promise<GroupNode | undefined> {
	const title = actionTitle(action);
	const picked = await pickProject(c, title);
	if (!picked) {
		return undefined;
	}
	const { profile, project } = picked;
	const client = c.clients.client(profile);
	const groups = await say.progress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Loading protection groups…') }, () => client.listGroups(project));
	const items = groupPickItems(groups, action, (id) => c.store.runningJobFor(project.id, id));
	for (;;) {
		const pick = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('{0}: choose a protection group', title), matchOnDescription: true, matchOnDetail: true });
		if (!pick?.group) {
			return undefined;
		}
		if (!pick.blocked) {
			return { type: 'group', profile, project, group: pick.group };
		}
		await say.modalWarning(vscode.l10n.t('“{0}” cannot be chosen: {1}', pick.group.name, pick.blocked), undefined);
	}
}

/** A profile in a picker: its account, simulated or not, and whether it is the default. */
export function profileDescription(p: Profile, active: boolean): string {
	const account = accountLabel(p);
	return [account ? vscode.l10n.t('account {0}', account) : undefined, isSimulated(p) ? vscode.l10n.t('simulated') : undefined, active ? vscode.l10n.t('default') : undefined]
		.filter(Boolean)
		.join(' · ');
}
