// Inside a protection group: three sections (protected instances, replication pairs, DR drills),
// each loaded when it is expanded. Items are plain data; their TreeItems are built here, with
// untrusted tooltips (every server value escaped), a codicon per status and the status in words
// for screen readers.
import * as vscode from 'vscode';
import { DRILL, drillDeletable } from '../../core/actions';
import { currentDrAz } from '../../core/checks';
import type { SdrsClient } from '../../core/client';
import type { Drill, Project, ProtectedInstance, ProtectionGroup, Replication, Server } from '../../core/model';
import { parseTimestamp } from '../../core/model';
import type { Profile } from '../services/profiles';
import { statusLabel } from '../text';
import { statusIcon, untrustedTooltip } from './untrusted';

export type SectionKind = 'instances' | 'pairs' | 'drills';

export interface GroupRef {
	profile: Profile;
	project: Project;
	group: ProtectionGroup;
}
export interface SectionNode extends GroupRef {
	type: 'section';
	section: SectionKind;
}
export interface InstanceNode extends GroupRef {
	type: 'instance';
	instance: ProtectedInstance;
	production?: Server;
	dr?: Server;
}
export interface PairNode extends GroupRef {
	type: 'pair';
	pair: Replication;
}
export interface DrillNode extends GroupRef {
	type: 'drill';
	drill: Drill;
}
export type DetailNode = InstanceNode | PairNode | DrillNode;

export const sectionsOf = ({ profile, project, group }: GroupRef): SectionNode[] =>
	(['instances', 'pairs', 'drills'] as const).map((section) => ({ type: 'section', section, profile, project, group }));

/** Loads one section's items. */
export async function loadSection(client: SdrsClient, node: SectionNode): Promise<DetailNode[]> {
	const { project, group } = node;
	const ref: GroupRef = { profile: node.profile, project, group };
	if (node.section === 'pairs') {
		return (await client.listReplications(project, group.id)).map((pair) => ({ type: 'pair', pair, ...ref }));
	}
	if (node.section === 'drills') {
		return (await client.listDrills(project, group.id)).map((drill) => ({ type: 'drill', drill, ...ref }));
	}
	const instances = await client.listProtectedInstances(project, group.id);
	const ids = [...new Set(instances.flatMap((i) => [i.sourceServer, i.targetServer]).filter(Boolean))];
	const servers = new Map((ids.length ? await client.listServers(project, ids) : []).map((s) => [s.id, s]));
	// The production site is the group's current one; the DR-site server is the one in the other AZ
	// (found by AZ, not by assuming which of source/target it is, as the pre-flight check does).
	const drAz = currentDrAz(group);
	return instances.map((instance) => {
		const pair = [servers.get(instance.sourceServer), servers.get(instance.targetServer)];
		const dr = pair.find((s) => s?.availabilityZone === drAz);
		const production = pair.find((s) => s && s !== dr);
		return { type: 'instance', instance, production, dr, ...ref };
	});
}

export function sectionLabel(node: SectionNode): string {
	switch (node.section) {
		case 'instances':
			return vscode.l10n.t('Protected instances');
		case 'pairs':
			return vscode.l10n.t('Replication pairs');
		case 'drills':
			return vscode.l10n.t('DR drills');
	}
}

export function emptyLabel(section: SectionKind): string {
	switch (section) {
		case 'instances':
			return vscode.l10n.t('No protected instances in this group.');
		case 'pairs':
			return vscode.l10n.t('No replication pairs in this group.');
		case 'drills':
			return vscode.l10n.t('No DR drills for this group.');
	}
}

const THREE_MONTHS_MS = 90 * 86_400_000;

/** The running DR-site server that blocks Enable Protection Again, if this instance has one. */
export const drServerRunning = (n: InstanceNode): boolean => n.dr !== undefined && n.dr.status !== 'SHUTOFF';

export function faultWords(level: number | undefined): string | undefined {
	switch (level) {
		case undefined:
			return undefined;
		case 0:
			return vscode.l10n.t('no fault');
		case 2:
			return vscode.l10n.t('the production disk cannot be read or written: failover recommended');
		case 5:
			return vscode.l10n.t('the replication link is broken: failover is not possible');
		default:
			return vscode.l10n.t('fault level {0}', level);
	}
}

const serverText = (s: Server | undefined): string => (s ? `${s.name} (${s.status}, ${s.availabilityZone})` : vscode.l10n.t('not found'));

export function sectionItem(node: SectionNode, id: string): vscode.TreeItem {
	const item = new vscode.TreeItem(sectionLabel(node), vscode.TreeItemCollapsibleState.Collapsed);
	item.id = id;
	item.iconPath = new vscode.ThemeIcon(node.section === 'instances' ? 'server' : node.section === 'pairs' ? 'database' : 'beaker');
	const g = node.group;
	if (node.section === 'instances') {
		item.description = String(g.protectedInstanceNum);
	} else if (node.section === 'pairs') {
		item.description = String(g.replicationNum);
	} else {
		item.description = String(g.drDrillNum);
	}
	item.contextValue = `section section-${node.section}`;
	return item;
}

/** The group's last drill, in words, from its drills (the service flags none in 3 months). */
export function lastDrillText(drills: readonly Drill[]): { text: string; stale: boolean } {
	const times = drills.map((d) => parseTimestamp(d.createdAt)?.getTime()).filter((t): t is number => t !== undefined);
	if (!times.length) {
		return { text: vscode.l10n.t('No DR drill yet.'), stale: true };
	}
	const age = Date.now() - Math.max(...times);
	const days = Math.max(0, Math.floor(age / 86_400_000));
	return age > THREE_MONTHS_MS
		? { text: vscode.l10n.t('Last DR drill {0} days ago: none in the last 3 months.', days), stale: true }
		: { text: vscode.l10n.t('Last DR drill {0} days ago.', days), stale: false };
}

export function detailItem(node: DetailNode, id: string): vscode.TreeItem {
	if (node.type === 'instance') {
		const { instance } = node;
		const item = new vscode.TreeItem(instance.name, vscode.TreeItemCollapsibleState.None);
		item.id = id;
		const running = drServerRunning(node);
		item.description = running
			? vscode.l10n.t('{0} · DR-site server {1} is running', statusLabel(instance.status), node.dr?.name ?? '?')
			: vscode.l10n.t('{0} · production {1} · DR site {2}', statusLabel(instance.status), node.production?.name ?? '?', node.dr?.name ?? '?');
		item.iconPath = running ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground')) : statusIcon(instance.status);
		item.tooltip = untrustedTooltip(
			instance.name,
			[
				[vscode.l10n.t('ID'), instance.id],
				[vscode.l10n.t('Status'), `${statusLabel(instance.status)} (${instance.status})${instance.progress !== undefined ? ` · ${instance.progress}%` : ''}`],
				[vscode.l10n.t('Production-site server'), serverText(node.production)],
				[vscode.l10n.t('DR-site server'), serverText(node.dr)],
			],
			running ? vscode.l10n.t('This DR-site server is running: Enable Protection Again needs every DR-site server stopped.') : undefined,
		);
		item.accessibilityInformation = {
			label: vscode.l10n.t('Protected instance {0}, status {1}{2}', instance.name, statusLabel(instance.status), running ? vscode.l10n.t(', DR-site server running') : ''),
		};
		item.contextValue = 'instance';
		return item;
	}
	if (node.type === 'pair') {
		const { pair } = node;
		const item = new vscode.TreeItem(pair.name, vscode.TreeItemCollapsibleState.None);
		item.id = id;
		const fault = pair.faultLevel !== undefined && pair.faultLevel > 0 ? faultWords(pair.faultLevel) : undefined;
		item.description = [statusLabel(pair.status), pair.progress !== undefined ? `${pair.progress}%` : undefined, fault].filter(Boolean).join(' · ');
		item.iconPath = fault ? new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')) : statusIcon(pair.status);
		item.tooltip = untrustedTooltip(pair.name, [
			[vscode.l10n.t('ID'), pair.id],
			[
				vscode.l10n.t('Status'),
				`${statusLabel(pair.status)} (${pair.status}${pair.replicationStatus ? `, ${pair.replicationStatus}` : ''})${pair.progress !== undefined ? ` · ${pair.progress}%` : ''}`,
			],
			[vscode.l10n.t('Production disk'), pair.volumeIds[0]],
			[vscode.l10n.t('DR disk'), pair.volumeIds[1]],
			[vscode.l10n.t('Size'), pair.volumeSizeGb !== undefined ? `${pair.volumeSizeGb} GB` : undefined],
			[vscode.l10n.t('Fault'), faultWords(pair.faultLevel)],
		]);
		item.accessibilityInformation = { label: vscode.l10n.t('Replication pair {0}, status {1}{2}', pair.name, statusLabel(pair.status), fault ? `, ${fault}` : '') };
		item.contextValue = 'replicationPair';
		return item;
	}
	const { drill } = node;
	const item = new vscode.TreeItem(drill.name, vscode.TreeItemCollapsibleState.None);
	item.id = id;
	const at = parseTimestamp(drill.createdAt);
	item.description = [drill.status, at ? at.toLocaleDateString() : undefined].filter(Boolean).join(' · ');
	item.iconPath = statusIcon(drill.status);
	item.tooltip = untrustedTooltip(drill.name, [
		[vscode.l10n.t('ID'), drill.id],
		[vscode.l10n.t('Status'), drill.status],
		[vscode.l10n.t('Created'), at ? at.toLocaleString() : drill.createdAt],
		[vscode.l10n.t('Drill VPC'), drill.drillVpcId],
	]);
	item.accessibilityInformation = { label: vscode.l10n.t('DR drill {0}, status {1}', drill.name, drill.status) };
	// The drill's status is server text: only the fixed token is added, when the status allows a delete.
	item.contextValue = drillDeletable(drill.status) ? `drill ${DRILL.deleteToken}` : 'drill';
	return item;
}
