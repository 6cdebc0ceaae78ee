// The Protection Groups tree: profile (when there is more than one) → project → groups.
// Elements are plain data; TreeItems are built in getTreeItem. Errors and emptiness are
// elements too, never pop-ups from getChildren.
import * as vscode from 'vscode';
import { allowedActions, groupContextValue, statusKind } from '../../core/actions';
import { regionName } from '../../core/endpoints';
import { safeText } from '../../core/safeText';
import { parseTimestamp, type Project, type ProtectionGroup } from '../../core/model';
import type { GroupFilter } from '../../core/client';
import type { JobStore } from '../../core/jobStore';
import type { GroupRead } from '../../core/ports';
import type { Event } from '../../core/events';
import { isSimulated, type Profile, type ProfileStore } from '../services/profiles';
import { type ClientCache } from '../services/clients';
import { visibleProjects } from '../services/settings';
import { detailItem, emptyLabel, lastDrillText, loadSection, sectionItem, sectionsOf, type DetailNode, type SectionNode } from './groupDetails';
import { blockReasonText, describeError, statusLabel } from '../text';
import { statusIcon, untrustedTooltip } from './untrusted';
import { profileItem } from './profileItem';

export interface ProfileNode {
	type: 'profile';
	profile: Profile;
}
export interface ProjectNode {
	type: 'project';
	profile: Profile;
	project: Project;
}
export interface GroupNode {
	type: 'group';
	profile: Profile;
	project: Project;
	group: ProtectionGroup;
}
export interface MessageNode {
	type: 'message';
	id: string;
	label: string;
	kind: 'error' | 'empty' | 'info';
	/** What clicking (or the inline retry) reloads. */
	retry?: ProfileNode | ProjectNode | SectionNode;
	command?: vscode.Command;
	/** A warning rather than plain information (the last DR drill is too old). */
	warn?: boolean;
}
export type Node = ProfileNode | ProjectNode | GroupNode | MessageNode | SectionNode | DetailNode;

type Loaded<T> = { ok: true; items: T } | { ok: false; error: unknown };

export const projectKey = (profileId: string, projectId: string): string => `${profileId}/${projectId}`;

export class ProtectionGroupsProvider implements vscode.TreeDataProvider<Node>, vscode.Disposable {
	private readonly changed = new vscode.EventEmitter<Node | undefined>();
	readonly onDidChangeTreeData = this.changed.event;
	private readonly projects = new Map<string, Loaded<ProjectNode[]>>();
	private readonly groups = new Map<string, Loaded<GroupNode[]>>();
	/** A group's sections, loaded when expanded (key: group key + section). */
	private readonly details = new Map<string, Loaded<DetailNode[]>>();
	private readonly inflight = new Map<string, Promise<unknown>>();
	/** Groups with a running job when the store last changed (JSON of [profile, project, group]). */
	private running = new Set<string>();
	private readonly subscriptions: { dispose(): void }[];

	constructor(
		private readonly profiles: ProfileStore,
		private readonly clients: ClientCache,
		/** A profile's filter (FilterState owns them), sent as the service's own query parameters. */
		private readonly filterOf: (profileId: string) => GroupFilter,
		private readonly jobs: JobStore,
		groupRead: Event<GroupRead>,
	) {
		this.subscriptions = [
			// A job started or ended: redraw those groups (spinner, menus).
			jobs.onDidChange(() => {
				const now = new Set(
					jobs
						.all()
						.filter((j) => !j.outcome)
						.map((j) => JSON.stringify([j.profile, j.projectId, j.groupId])),
				);
				for (const key of [...now, ...this.running].filter((k) => now.has(k) !== this.running.has(k))) {
					const [profileId, projectId, groupId] = JSON.parse(key) as [string, string, string];
					// A job started or ended: its group's insides change (a drill being created shows under DR drills).
					this.forgetDetails(profileId, projectId, groupId);
					this.redrawGroup(profileId, projectId, groupId);
				}
				this.running = now;
			}),
			groupRead((e) => this.updateGroup(e.profileId, e.projectId, e.group)),
		];
	}

	dispose(): void {
		this.subscriptions.forEach((s) => s.dispose());
		this.changed.dispose();
	}

	/** Runs before a profile's projects load (the demo profile starts its simulator there). */
	setPrepare(prepare: (profile: Profile) => Promise<Profile>): void {
		this.prepare = prepare;
	}
	private prepare: (profile: Profile) => Promise<Profile> = (p) => Promise.resolve(p);

	/** Forgets cached data under a node (or everything) and redraws it. */
	refresh(node?: Node): void {
		if (!node) {
			this.projects.clear();
			this.groups.clear();
			this.details.clear();
			this.changed.fire(undefined);
			return;
		}
		if (node.type === 'message' && node.retry) {
			this.refresh(node.retry);
			return;
		}
		if (node.type === 'profile') {
			this.projects.delete(node.profile.id);
			for (const key of [...this.groups.keys()].filter((k) => k.startsWith(node.profile.id + '/'))) {
				this.groups.delete(key);
			}
			// With one profile the projects are the roots.
			this.changed.fire(this.profiles.list().length > 1 ? node : undefined);
		} else if (node.type === 'project') {
			this.groups.delete(projectKey(node.profile.id, node.project.id));
			this.changed.fire(node);
		} else if (node.type === 'group' || node.type === 'section') {
			// One group: its sections are read again when shown.
			this.forgetDetails(node.profile.id, node.project.id, node.group.id);
			this.changed.fire(node.type === 'group' ? node : this.findGroup(node.profile.id, node.project.id, node.group.id));
		}
	}

	private forgetDetails(profileId: string, projectId: string, groupId: string): void {
		const prefix = `${projectKey(profileId, projectId)}/${groupId}/`;
		for (const key of [...this.details.keys()].filter((k) => k.startsWith(prefix))) {
			this.details.delete(key);
		}
	}

	/** Replaces one group's data after a re-read and redraws just that item. */
	updateGroup(profileId: string, projectId: string, group: ProtectionGroup): GroupNode | undefined {
		const loaded = this.groups.get(projectKey(profileId, projectId));
		const node = loaded?.ok ? loaded.items.find((n) => n.group.id === group.id) : undefined;
		// A batch reads every group of a project each round: only a group that changed is redrawn.
		if (node && JSON.stringify(node.group) !== JSON.stringify(group)) {
			node.group = group;
			this.changed.fire(node);
		}
		return node;
	}

	findGroup(profileId: string, projectId: string, groupId: string): GroupNode | undefined {
		const loaded = this.groups.get(projectKey(profileId, projectId));
		return loaded?.ok ? loaded.items.find((n) => n.group.id === groupId) : undefined;
	}

	/** Redraws a group (spinner on/off) without re-reading it. */
	redrawGroup(profileId: string, projectId: string, groupId: string): void {
		const node = this.findGroup(profileId, projectId, groupId);
		if (node) {
			this.changed.fire(node);
		}
	}

	private groupId(node: { profile: Profile; project: Project; group: ProtectionGroup }): string {
		return `group/${node.profile.id}/${node.project.id}/${node.group.id}`;
	}

	getParent(node: Node): Node | undefined {
		if (node.type === 'section') {
			return this.findGroup(node.profile.id, node.project.id, node.group.id) ?? { type: 'group', profile: node.profile, project: node.project, group: node.group };
		}
		if (node.type === 'instance' || node.type === 'pair' || node.type === 'drill') {
			return sectionsOf(node).find((s) => s.section === (node.type === 'instance' ? 'instances' : node.type === 'pair' ? 'pairs' : 'drills'));
		}
		if (node.type === 'group') {
			return this.projectNodeFor(node.profile, node.project);
		}
		if (node.type === 'project' && this.profiles.list().length > 1) {
			return { type: 'profile', profile: node.profile };
		}
		return undefined;
	}

	private projectNodeFor(profile: Profile, project: Project): ProjectNode {
		const loaded = this.projects.get(profile.id);
		return (loaded?.ok ? loaded.items.find((p) => p.project.id === project.id) : undefined) ?? { type: 'project', profile, project };
	}

	async getChildren(node?: Node): Promise<Node[]> {
		if (!node) {
			const all = this.profiles.list();
			if (all.length === 0) {
				return []; // the welcome view takes over
			}
			return all.length === 1 ? this.projectChildren(all[0]) : all.map((profile) => ({ type: 'profile', profile }));
		}
		if (node.type === 'profile') {
			return this.projectChildren(node.profile);
		}
		if (node.type === 'project') {
			return this.groupChildren(node);
		}
		if (node.type === 'group') {
			return sectionsOf(node);
		}
		if (node.type === 'section') {
			return this.sectionChildren(node);
		}
		return [];
	}

	private async sectionChildren(node: SectionNode): Promise<Node[]> {
		const key = `${projectKey(node.profile.id, node.project.id)}/${node.group.id}/${node.section}`;
		const loaded = await this.loadOnce(key, this.details, () => loadSection(this.clients.client(node.profile), node));
		if (!loaded.ok) {
			return [errorNode(`${key}/error`, loaded.error, node)];
		}
		const items: Node[] = loaded.items.length ? [...loaded.items] : [{ type: 'message', id: `${key}/empty`, kind: 'empty', label: emptyLabel(node.section) }];
		if (node.section === 'drills') {
			const last = lastDrillText(loaded.items.flatMap((n) => (n.type === 'drill' ? [n.drill] : [])));
			items.unshift({ type: 'message', id: `${key}/last`, kind: 'info', label: last.text, warn: last.stale });
		}
		return items;
	}

	/** Loads once per key even when VS Code asks twice at the same time. */
	private async loadOnce<T>(key: string, cache: Map<string, Loaded<T>>, load: () => Promise<T>): Promise<Loaded<T>> {
		const cached = cache.get(key);
		if (cached) {
			return cached;
		}
		let pending = this.inflight.get(key) as Promise<Loaded<T>> | undefined;
		if (!pending) {
			pending = load().then(
				(items): Loaded<T> => ({ ok: true, items }),
				(error: unknown): Loaded<T> => ({ ok: false, error }),
			);
			this.inflight.set(key, pending);
		}
		const result = await pending;
		this.inflight.delete(key);
		cache.set(key, result);
		return result;
	}

	private async projectChildren(profile: Profile): Promise<Node[]> {
		if (profile.temporary && profile.expiresAt !== undefined && profile.expiresAt <= Date.now()) {
			// Known to be expired: say so instead of sending requests the gateway will refuse.
			return [
				{
					type: 'message',
					id: `${profile.id}/expired`,
					kind: 'error',
					label: vscode.l10n.t('The temporary credentials of “{0}” expired at {1}. Add new ones with “SDRS: Add Credentials”.', profile.name, new Date(profile.expiresAt).toLocaleString()),
					command: { command: 'sdrs.addProfile', title: vscode.l10n.t('Add Credentials') },
				},
			];
		}
		const loaded = await this.loadOnce(profile.id, this.projects, async () => {
			profile = await this.prepare(profile);
			const projects = await this.clients.client(profile).listProjects();
			return visibleProjects(projects).map((project): ProjectNode => ({ type: 'project', profile, project }));
		});
		const retry: ProfileNode = { type: 'profile', profile };
		if (!loaded.ok) {
			return [errorNode(`${profile.id}/error`, loaded.error, retry)];
		}
		return loaded.items.length ? loaded.items : [{ type: 'message', id: `${profile.id}/empty`, kind: 'empty', label: vscode.l10n.t('No projects match the sdrs.regions and sdrs.projects settings.') }];
	}

	private async groupChildren(node: ProjectNode): Promise<Node[]> {
		const key = projectKey(node.profile.id, node.project.id);
		const loaded = await this.loadOnce(key, this.groups, async () => {
			const groups = await this.clients.client(node.profile).listGroups(node.project, this.filterOf(node.profile.id));
			return groups.map((group): GroupNode => ({ type: 'group', profile: node.profile, project: node.project, group }));
		});
		if (!loaded.ok) {
			return [errorNode(`${key}/error`, loaded.error, node)];
		}
		return loaded.items.length ? loaded.items : [{ type: 'message', id: `${key}/empty`, kind: 'empty', label: vscode.l10n.t('No protection groups in this project.') }];
	}

	getTreeItem(node: Node): vscode.TreeItem {
		switch (node.type) {
			case 'profile':
				return profileItem(node.profile, this.profiles.active()?.id === node.profile.id, (id) => this.profiles.get(id)?.name);
			case 'project': {
				const { project } = node;
				const item = new vscode.TreeItem(project.name, vscode.TreeItemCollapsibleState.Collapsed);
				item.id = `project/${node.profile.id}/${project.id}`;
				item.iconPath = new vscode.ThemeIcon(project.isSubProject ? 'folder-library' : 'globe');
				const region = regionName(project.region);
				item.description = project.isSubProject ? vscode.l10n.t('sub-project of {0}', project.region) : (region ?? '');
				item.tooltip = untrustedTooltip(project.name, [
					[vscode.l10n.t('Region'), `${project.region}${region ? ` (${region})` : ''}`],
					[vscode.l10n.t('Project ID'), project.id],
				]);
				item.contextValue = 'project';
				return item;
			}
			case 'group':
				return this.groupItem(node);
			case 'section':
				return sectionItem(node, `${this.groupId(node)}/${node.section}`);
			case 'instance':
				return detailItem(node, `${this.groupId(node)}/instance/${node.instance.id}`);
			case 'pair':
				return detailItem(node, `${this.groupId(node)}/pair/${node.pair.id}`);
			case 'drill':
				return detailItem(node, `${this.groupId(node)}/drill/${node.drill.id}`);
			case 'message': {
				// An error's words carry the server's message and code: no control or bidi character.
				const label = safeText(node.label, 'tree');
				const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
				item.id = node.id;
				item.iconPath =
					node.kind === 'error'
						? new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'))
						: node.warn
							? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'))
							: new vscode.ThemeIcon('info');
				item.tooltip = label;
				item.contextValue = node.kind === 'error' ? 'loadError' : 'message';
				item.command = node.command ?? (node.retry ? { command: 'sdrs.refresh', title: vscode.l10n.t('Retry'), arguments: [node] } : undefined);
				return item;
			}
		}
	}

	private groupItem(node: GroupNode): vscode.TreeItem {
		const { group } = node;
		const jobId = this.jobs.runningJobFor(node.project.id, group.id);
		const kind = statusKind(group.status);
		const item = new vscode.TreeItem(group.name, vscode.TreeItemCollapsibleState.Collapsed);
		item.id = this.groupId(node);
		const status = statusLabel(group.status);
		const syncing = (kind === 'transitional' || group.status === 'protected') && group.progress !== undefined && group.progress < 100;
		item.description = syncing ? `${status} · ${group.progress}%` : status;
		item.iconPath = statusIcon(group.status, { running: !!jobId });
		item.contextValue = groupContextValue(group, { runningJobId: jobId, simulated: isSimulated(node.profile) });
		item.accessibilityInformation = { label: vscode.l10n.t('Protection group {0}, status {1}', group.name, item.description), role: 'treeitem' };
		item.tooltip = this.tooltip(node, jobId);
		return item;
	}

	private tooltip(node: GroupNode, jobId: string | undefined): vscode.MarkdownString {
		const { group } = node;
		const updated = parseTimestamp(group.updatedAt);
		const a = allowedActions(group, jobId);
		return untrustedTooltip(
			group.name,
			[
				[vscode.l10n.t('ID'), group.id],
				[vscode.l10n.t('Status'), `${statusLabel(group.status)} (${group.status})${group.progress !== undefined ? ` · ${group.progress}%` : ''}`],
				[vscode.l10n.t('Current production site'), `${group.priorityStation === 'target' ? group.targetAz : group.sourceAz} (${group.priorityStation || '?'})`],
				[vscode.l10n.t('Source / target AZ'), `${group.sourceAz} → ${group.targetAz}`],
				[vscode.l10n.t('Replication pairs'), String(group.replicationNum)],
				[vscode.l10n.t('Protected instances'), String(group.protectedInstanceNum)],
				[vscode.l10n.t('Updated'), updated ? updated.toLocaleString() : (group.updatedAt ?? '—')],
				[vscode.l10n.t('Description'), group.description || undefined],
			],
			a.blocked && blockReasonText(a.blocked),
		);
	}
}

function errorNode(id: string, error: unknown, retry: ProfileNode | ProjectNode | SectionNode): MessageNode {
	return { type: 'message', id, kind: 'error', label: describeError(error), retry };
}
