// Every command in one map, registered through one wrapper that logs failures and shows a single
// error message with "Show Log". A test checks this map and package.json agree both ways.
import * as vscode from 'vscode';
import { availability, type ActionKind } from '../core/actions';
import { consoleUrl } from '../core/endpoints';
import type { Project } from '../core/model';
import { createClient, readSettings, type Sessions } from './session';
import type { Demo } from './demo';
import type { JobStore, StoredJob } from '../core/jobStore';
import type { Workflow } from '../core/workflow';
import type { Profile, ProfileStore } from './profiles';
import { actionTitle, blockReasonText, describeError, statusLabel } from './text';
import type { GroupNode, Node, ProjectNode, ProtectionGroupsProvider } from './tree';
import { jobSummaryMarkdown } from './jobsView';
import type { GroupFilter } from '../core/client';

export interface CommandContext {
	context: vscode.ExtensionContext;
	profiles: ProfileStore;
	sessions: Sessions;
	tree: ProtectionGroupsProvider;
	view: vscode.TreeView<Node>;
	store: JobStore;
	workflow: Workflow;
	demo: Demo;
	log: vscode.LogOutputChannel;
}

type Handler = (...args: unknown[]) => unknown;

const AK_PATTERN = /^[A-Za-z0-9]{8,128}$/;

export function commandMap(c: CommandContext): Record<string, Handler> {
	return {
		'sdrs.addProfile': () => addProfile(c),
		'sdrs.removeProfile': (node?: unknown) => removeProfile(c, node as Node | undefined),
		'sdrs.selectProfile': () => selectProfile(c),
		'sdrs.refresh': (node?: unknown) => c.tree.refresh(node as Node | undefined),
		'sdrs.enableProtection': (node?: unknown) => runAction(c, 'enable', node as Node | undefined),
		'sdrs.enableProtectionAgain': (node?: unknown) => runAction(c, 'enableAgain', node as Node | undefined),
		'sdrs.copyId': async (node?: unknown) => {
			const n = node as Node | undefined;
			const id = n?.type === 'group' ? n.group.id : n?.type === 'project' ? n.project.id : undefined;
			if (id) {
				await vscode.env.clipboard.writeText(id);
				void vscode.window.setStatusBarMessage(vscode.l10n.t('Copied {0}', id), 3000);
			}
		},
		'sdrs.openInConsole': async (node?: unknown) => {
			const n = node as Node | undefined;
			if (n?.type === 'group') {
				await vscode.env.openExternal(vscode.Uri.parse(consoleUrl(n.project.region, n.group.id)));
			}
		},
		'sdrs.showLog': () => c.log.show(true),
		'sdrs.startDemo': () => startDemo(c),
		'sdrs.filter': () => setFilter(c),
		'sdrs.clearFilter': () => clearFilter(c),
		'sdrs.showJobs': () => vscode.commands.executeCommand('sdrs.jobs.focus'),
		'sdrs.copyJobSummary': (job?: unknown) => copyJobSummary(c, job as StoredJob | undefined),
		'sdrs.revealGroup': (job?: unknown) => revealGroup(c, job as StoredJob | undefined),
		'sdrs.clearJobHistory': () => c.store.clear(false),
	};
}

const FILTERS_KEY = 'sdrs.filters';

export function filterLabel(f: GroupFilter): string {
	const parts: string[] = [];
	if (f.queryType === 'status_abnormal') {
		parts.push(vscode.l10n.t('abnormal status'));
	} else if (f.queryType === 'stop_protected') {
		parts.push(vscode.l10n.t('protection stopped'));
	} else if (f.queryType === 'period_no_dr_drill') {
		parts.push(vscode.l10n.t('no DR drill in 3 months'));
	}
	if (f.name) {
		parts.push(vscode.l10n.t('name contains “{0}”', f.name));
	}
	return parts.join(', ');
}

/** Loads saved filters into the tree and shows them in the view title. */
export async function applyFilters(c: CommandContext, saved?: Record<string, GroupFilter>): Promise<void> {
	const filters = saved ?? c.context.globalState.get<Record<string, GroupFilter>>(FILTERS_KEY, {});
	c.tree.filters.clear();
	for (const [profileId, f] of Object.entries(filters)) {
		if (c.profiles.get(profileId) && filterLabel(f)) {
			c.tree.filters.set(profileId, f);
		}
	}
	const active = [...c.tree.filters.entries()];
	const many = c.profiles.list().length > 1;
	c.view.description = active.length
		? vscode.l10n.t('Filter: {0}', active.map(([id, f]) => (many ? `${c.profiles.get(id)?.name}: ${filterLabel(f)}` : filterLabel(f))).join('; '))
		: undefined;
	await vscode.commands.executeCommand('setContext', 'sdrs.filterActive', active.length > 0);
}

async function setFilter(c: CommandContext): Promise<void> {
	const profile = await pickProfile(c, vscode.l10n.t('Filter the groups of which profile?'));
	if (!profile) {
		return;
	}
	const current = c.tree.filters.get(profile.id) ?? {};
	type Item = vscode.QuickPickItem & { filter?: GroupFilter; askName?: boolean };
	const items: Item[] = [
		{ label: vscode.l10n.t('$(list-flat) All groups'), description: vscode.l10n.t('no filter'), filter: {} },
		{ label: vscode.l10n.t('$(error) Abnormal status'), description: 'query_type=status_abnormal', filter: { queryType: 'status_abnormal' } },
		{ label: vscode.l10n.t('$(debug-pause) Protection stopped'), description: 'query_type=stop_protected', filter: { queryType: 'stop_protected' } },
		{ label: vscode.l10n.t('$(calendar) No DR drill in the last 3 months'), description: 'query_type=period_no_dr_drill', filter: { queryType: 'period_no_dr_drill' } },
		{ label: vscode.l10n.t('$(search) Name contains…'), description: 'name=', askName: true },
	];
	const pick = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Filter protection groups of “{0}”', profile.name), placeHolder: filterLabel(current) || undefined });
	if (!pick) {
		return;
	}
	let filter = pick.filter ?? {};
	if (pick.askName) {
		const name = await vscode.window.showInputBox({ title: vscode.l10n.t('Name contains'), value: current.name ?? '', prompt: vscode.l10n.t('Sent to SDRS as the name filter (a fuzzy match).') });
		if (name === undefined) {
			return;
		}
		filter = { ...current, name: name.trim() || undefined };
	} else if (pick.filter && Object.keys(pick.filter).length) {
		filter = { ...pick.filter, name: current.name };
	}
	const saved = { ...c.context.globalState.get<Record<string, GroupFilter>>(FILTERS_KEY, {}), [profile.id]: filter };
	await c.context.globalState.update(FILTERS_KEY, saved);
	await applyFilters(c, saved);
	c.tree.refresh();
}

async function clearFilter(c: CommandContext): Promise<void> {
	await c.context.globalState.update(FILTERS_KEY, {});
	await applyFilters(c, {});
	c.tree.refresh();
}

async function copyJobSummary(c: CommandContext, job?: StoredJob): Promise<void> {
	let target = job;
	if (!target) {
		const all = c.store.all();
		const pick = await vscode.window.showQuickPick(
			all.map((j) => ({ label: j.groupName, description: `${actionTitle(j.action)} · ${j.outcome ?? j.lastStatus ?? ''} · ${new Date(j.startedAt).toLocaleString()}`, job: j })),
			{ title: vscode.l10n.t('Copy the summary of which job?') },
		);
		target = pick?.job;
	}
	if (!target) {
		return;
	}
	await vscode.env.clipboard.writeText(jobSummaryMarkdown(target, c.profiles.get(target.profile)?.name));
	void vscode.window.setStatusBarMessage(vscode.l10n.t('Copied the summary of job {0}', target.jobId), 3000);
}

async function revealGroup(c: CommandContext, job?: StoredJob): Promise<void> {
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
		void vscode.window.showWarningMessage(vscode.l10n.t('“{0}” is not in the view (it may be filtered out or deleted).', job.groupName));
		return;
	}
	await c.view.reveal(node, { select: true, focus: true, expand: true });
}

/** Registers every command of the map; returns their ids. */
export function registerCommands(context: vscode.ExtensionContext, c: CommandContext): string[] {
	const map = commandMap(c);
	for (const [id, handler] of Object.entries(map)) {
		context.subscriptions.push(
			vscode.commands.registerCommand(id, async (...args: unknown[]) => {
				try {
					return await handler(...args);
				} catch (e) {
					c.log.error(`${id} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
					const choice = await vscode.window.showErrorMessage(describeError(e), vscode.l10n.t('Show Log'));
					if (choice) {
						c.log.show(true);
					}
					return undefined;
				}
			}),
		);
	}
	return Object.keys(map);
}

async function startDemo(c: CommandContext): Promise<void> {
	const profile = await vscode.window.withProgress({ location: { viewId: 'sdrs.protectionGroups' }, title: vscode.l10n.t('Starting the simulated SDRS…') }, () => c.demo.ensure());
	await c.profiles.setActive(profile.id);
	c.sessions.reset();
	c.tree.refresh();
	await vscode.commands.executeCommand('sdrs.protectionGroups.focus');
	void vscode.window.showInformationMessage(vscode.l10n.t('The demo runs against a simulated SDRS on this computer. Nothing reaches Huawei Cloud.'));
}

interface NewCredentials {
	accessKey: string;
	secretKey: string;
	securityToken?: string;
	expiresAt?: number;
}

async function askCredentials(): Promise<NewCredentials | undefined> {
	const env = process.env;
	if (env.HUAWEICLOUD_SDK_AK && env.HUAWEICLOUD_SDK_SK) {
		const pick = await vscode.window.showQuickPick(
			[
				{ label: vscode.l10n.t('$(key) Enter an access key'), id: 'enter' },
				{ label: vscode.l10n.t('$(terminal) Import from environment variables'), description: 'HUAWEICLOUD_SDK_AK / _SK / _SECURITY_TOKEN', id: 'env' },
			],
			{ title: vscode.l10n.t('Add Huawei Cloud Credentials'), ignoreFocusOut: true },
		);
		if (!pick) {
			return undefined;
		}
		if (pick.id === 'env') {
			return { accessKey: env.HUAWEICLOUD_SDK_AK.trim(), secretKey: env.HUAWEICLOUD_SDK_SK.trim(), securityToken: env.HUAWEICLOUD_SDK_SECURITY_TOKEN?.trim() || undefined };
		}
	}
	const accessKey = await vscode.window.showInputBox({
		title: vscode.l10n.t('Add Credentials (1/3): Access Key ID'),
		prompt: vscode.l10n.t('The access key ID (AK) of an IAM user with SDRS permissions.'),
		ignoreFocusOut: true,
		validateInput: (v) => (AK_PATTERN.test(v.trim()) ? undefined : vscode.l10n.t('An access key ID is 8 to 128 letters and digits.')),
	});
	if (!accessKey) {
		return undefined;
	}
	const secretKey = await vscode.window.showInputBox({
		title: vscode.l10n.t('Add Credentials (2/3): Secret Access Key'),
		prompt: vscode.l10n.t('The secret access key (SK). It is kept only in VS Code’s secret storage.'),
		password: true,
		ignoreFocusOut: true,
		validateInput: (v) => (v.trim().length >= 8 ? undefined : vscode.l10n.t('The secret access key is too short.')),
	});
	if (!secretKey) {
		return undefined;
	}
	const securityToken = await vscode.window.showInputBox({
		title: vscode.l10n.t('Add Credentials (3/3): Security Token (optional)'),
		prompt: vscode.l10n.t('For temporary credentials only; leave empty for a permanent access key.'),
		password: true,
		ignoreFocusOut: true,
	});
	if (securityToken === undefined) {
		return undefined;
	}
	let expiresAt: number | undefined;
	if (securityToken.trim()) {
		const expiry = await vscode.window.showInputBox({
			title: vscode.l10n.t('Temporary credentials: expiry (optional)'),
			prompt: vscode.l10n.t('When the security token expires, e.g. 2026-11-28T10:00:00Z. Leave empty if unknown.'),
			ignoreFocusOut: true,
			validateInput: (v) => (v.trim() === '' || !Number.isNaN(Date.parse(v.trim())) ? undefined : vscode.l10n.t('Enter a date and time such as 2026-11-28T10:00:00Z.')),
		});
		expiresAt = expiry?.trim() ? Date.parse(expiry.trim()) : undefined;
	}
	return { accessKey: accessKey.trim(), secretKey: secretKey.trim(), securityToken: securityToken.trim() || undefined, expiresAt };
}

async function addProfile(c: CommandContext): Promise<Profile | undefined> {
	const creds = await askCredentials();
	if (!creds) {
		return undefined;
	}
	// A real call before anything is saved: wrong keys never become a profile.
	const client = createClient(() => creds, readSettings().endpoints, c.log);
	let projects: Project[];
	try {
		projects = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Checking the credentials with IAM…') }, () => client.listProjects());
	} catch (e) {
		const retry = vscode.l10n.t('Try Again');
		const choice = await vscode.window.showErrorMessage(vscode.l10n.t('The credentials were not saved: {0}', describeError(e)), retry, vscode.l10n.t('Show Log'));
		if (choice === retry) {
			return addProfile(c);
		}
		if (choice) {
			c.log.show(true);
		}
		return undefined;
	}
	const taken = new Set(c.profiles.list().map((p) => p.name));
	let suggestion = 'default';
	for (let n = 2; taken.has(suggestion); n++) {
		suggestion = `default-${n}`;
	}
	const name = await vscode.window.showInputBox({
		title: vscode.l10n.t('Name this profile'),
		prompt: vscode.l10n.t('Checked: the keys can see {0} project(s).', projects.length),
		value: suggestion,
		ignoreFocusOut: true,
		validateInput: (v) => (v.trim() === '' ? vscode.l10n.t('Enter a name.') : v.trim().length > 64 ? vscode.l10n.t('At most 64 characters.') : undefined),
	});
	if (!name) {
		return undefined;
	}
	const profile = await c.profiles.save({ name: name.trim(), kind: 'aksk', temporary: !!creds.securityToken, expiresAt: creds.expiresAt }, creds);
	c.sessions.reset();
	c.tree.refresh();
	void vscode.window.showInformationMessage(vscode.l10n.t('Profile “{0}” added.', profile.name));
	return profile;
}

async function pickProfile(c: CommandContext, title: string): Promise<Profile | undefined> {
	const all = c.profiles.list();
	if (all.length <= 1) {
		return all[0];
	}
	const active = c.profiles.active();
	const pick = await vscode.window.showQuickPick(
		all.map((p) => ({ label: p.name, description: [p.kind === 'demo' ? vscode.l10n.t('simulated') : undefined, p.id === active?.id ? vscode.l10n.t('default') : undefined].filter(Boolean).join(' · '), profile: p })),
		{ title },
	);
	return pick?.profile;
}

async function removeProfile(c: CommandContext, node?: Node): Promise<void> {
	const profile = node?.type === 'profile' ? node.profile : await pickProfile(c, vscode.l10n.t('Remove which profile?'));
	if (!profile) {
		return;
	}
	const remove = vscode.l10n.t('Remove');
	const answer = await vscode.window.showWarningMessage(vscode.l10n.t('Remove profile “{0}” and delete its keys from secret storage?', profile.name), { modal: true }, remove);
	if (answer !== remove) {
		return;
	}
	await c.profiles.remove(profile.id);
	c.sessions.reset();
	c.tree.refresh();
}

async function selectProfile(c: CommandContext): Promise<void> {
	const profile = await pickProfile(c, vscode.l10n.t('Default profile for commands'));
	if (profile) {
		await c.profiles.setActive(profile.id);
		c.tree.refresh();
	}
}

/** From the tree (a group node) or the Command Palette (profile → project → group pickers). */
async function runAction(c: CommandContext, action: ActionKind, node?: Node): Promise<unknown> {
	let target: GroupNode | undefined = node?.type === 'group' ? node : undefined;
	if (!target) {
		target = await pickGroup(c, action);
	}
	if (!target) {
		return undefined;
	}
	return (await c.workflow.runAction({ profileId: target.profile.id, project: target.project, group: target.group }, action)).kind;
}

export type GroupPickItem = vscode.QuickPickItem & { group?: GroupNode['group']; blocked?: string };

/**
 * Quick-pick items for every group of a project: eligible ones first; the others under a
 * separator, each with the reason it cannot be picked (status, no replication pairs, job running).
 */
export function groupPickItems(groups: readonly GroupNode['group'][], action: ActionKind, runningJobFor: (groupId: string) => string | undefined): GroupPickItem[] {
	const title = actionTitle(action);
	const items: GroupPickItem[] = groups.map((g) => {
		const a = availability(g, runningJobFor(g.id));
		const eligible = a.action === action && !a.blocked;
		const reason = eligible ? undefined : a.blocked && a.action === action ? blockReasonText(a.blocked) : vscode.l10n.t('Status {0} does not allow {1}.', g.status, title);
		return { label: `${eligible ? '$(circle-large-outline)' : '$(circle-slash)'} ${g.name}`, description: statusLabel(g.status), detail: reason, group: g, blocked: reason };
	});
	items.sort((a, b) => Number(!!a.blocked) - Number(!!b.blocked));
	const firstBlocked = items.findIndex((i) => i.blocked);
	if (firstBlocked >= 0) {
		items.splice(firstBlocked, 0, { label: vscode.l10n.t('Not available for {0}', title), kind: vscode.QuickPickItemKind.Separator });
	}
	return items;
}

async function pickGroup(c: CommandContext, action: ActionKind): Promise<GroupNode | undefined> {
	const title = actionTitle(action);
	const profile = c.profiles.active() && c.profiles.list().length === 1 ? c.profiles.active() : await pickProfile(c, title);
	if (!profile) {
		return undefined;
	}
	const client = c.sessions.client(profile);
	const projects = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Loading projects…') }, () => client.listProjects());
	const settings = readSettings();
	const visible = projects.filter((p) => settings.regions.length === 0 || settings.regions.includes(p.region));
	const projectPick = await vscode.window.showQuickPick(
		visible.map((p) => ({ label: p.name, description: p.isSubProject ? vscode.l10n.t('sub-project of {0}', p.region) : p.id, project: p })),
		{ title: vscode.l10n.t('{0}: choose a project', title) },
	);
	if (!projectPick) {
		return undefined;
	}
	const project = projectPick.project;
	const groups = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Loading protection groups…') }, () => client.listGroups(project));
	const items = groupPickItems(groups, action, (id) => c.store.runningJobFor(profile.id, project.id, id));
	for (;;) {
		const pick = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('{0}: choose a protection group', title), matchOnDescription: true, matchOnDetail: true });
		if (!pick?.group) {
			return undefined;
		}
		if (!pick.blocked) {
			return { type: 'group', profile, project, group: pick.group };
		}
		await vscode.window.showWarningMessage(vscode.l10n.t('“{0}” cannot be chosen: {1}', pick.group.name, pick.blocked), { modal: true });
	}
}
