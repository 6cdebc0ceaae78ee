// Start DR Drill and Delete DR Drill, from the tree (a group node; a drill node) or the Command
// Palette (pickers that say why a group or drill cannot be chosen). The flow itself is
// core/drillFlow.ts, reached through the workflow; this file asks the questions: the drill's name
// (validated as the API does), its VPC, and the delete's confirmation.
import * as vscode from 'vscode';
import { pickText, say } from '../say';
import { DRILL, drillAllowed, drillDeletable } from '../../core/actions';
import type { SdrsClient } from '../../core/client';
import { defaultDrillName, drillNameProblem, DRILL_NAME_MAX_BYTES, type DrillNameProblem } from '../../core/drills';
import type { Drill, Project, ProtectionGroup, Vpc } from '../../core/model';
import type { Profile } from '../services/profiles';
import { actionTitle, deleteDrillLines, describeError, statusesText, statusLabel } from '../text';
import type { DrillNode } from '../views/groupDetails';
import type { GroupNode, Node } from '../views/groupsTree';
import type { CommandContext } from './context';
import { pickProject } from './pickers';

export function drillNameProblemText(problem: DrillNameProblem | undefined): string | undefined {
	switch (problem) {
		case undefined:
			return undefined;
		case 'empty':
			return vscode.l10n.t('Type a name for the DR drill.');
		case 'chars':
			return vscode.l10n.t('Use only Chinese characters, letters, digits, periods (.), underscores (_) and hyphens (-).');
		case 'tooLong':
			return vscode.l10n.t('The name is longer than {0} bytes (a Chinese character counts as 3).', DRILL_NAME_MAX_BYTES);
	}
}

type VpcItem = vscode.QuickPickItem & { vpcId?: string };

/** The drill's name, then its VPC: the service's own (the default, said so) or one of the project's others. */
async function askSpec(c: CommandContext, client: SdrsClient, project: Project, group: ProtectionGroup): Promise<{ name: string; drillVpcId?: string } | undefined> {
	const title = vscode.l10n.t('{0}: “{1}”', actionTitle('createDrill'), group.name);
	const name = await c.ports.prompts.input({
		title: pickText(title),
		prompt: vscode.l10n.t('Name of the DR drill (at most 64 bytes: Chinese characters, letters, digits, . _ -)'),
		value: defaultDrillName(group.name, new Date()),
		ignoreFocusOut: true,
		validateInput: (v) => drillNameProblemText(drillNameProblem(v.trim())),
	});
	if (name === undefined || drillNameProblem(name.trim())) {
		return undefined;
	}
	let vpcs: Vpc[] = [];
	let listError: string | undefined;
	try {
		vpcs = await say.progress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Loading the VPCs of {0}…', project.name) }, () => client.listVpcs(project));
	} catch (e) {
		listError = describeError(e);
		c.log.warn(`Listing the VPCs of ${project.id}: ${String(e)}`);
	}
	// Never the group's own VPC (the service refuses it, SDRS.1907). A group that does not name its
	// VPC shows every VPC, and the service's refusal is explained.
	const own = new Set([group.sourceVpcId, group.targetVpcId].filter((v): v is string => !!v));
	const items: VpcItem[] = [
		{
			label: vscode.l10n.t('Let the service create a drill VPC (default)'),
			detail: vscode.l10n.t('SDRS creates a new VPC with subnets like the protection group’s; it stays after the drill is deleted.'),
		},
		...(listError ? [{ label: vscode.l10n.t('The VPCs of this project could not be listed'), kind: vscode.QuickPickItemKind.Separator }] : []),
		...vpcs
			.filter((v) => !own.has(v.id))
			.map((v) => ({
				label: pickText(v.name),
				description: pickText([v.cidr, v.status].filter(Boolean).join(' · ')),
				detail: vscode.l10n.t('Existing VPC {0}: it needs subnets with the protection group’s CIDR blocks', pickText(v.id)),
				vpcId: v.id,
			})),
	];
	const options: vscode.QuickPickOptions = {
		title: pickText(title),
		placeHolder: listError ? vscode.l10n.t('Drill VPC ({0})', listError) : vscode.l10n.t('Drill VPC: where the drill servers are created, isolated from production'),
		ignoreFocusOut: true,
		matchOnDescription: true,
	};
	const prompts = c.ports.prompts;
	const vpc = await (prompts.pick ? prompts.pick(items, options) : vscode.window.showQuickPick(items, options));
	if (!vpc) {
		return undefined;
	}
	return { name: name.trim(), drillVpcId: vpc.vpcId };
}

/**
 * The delete's question: Cancel is the selected answer (Enter deletes nothing), Delete DR Drill the
 * other; below them what is deleted and what is kept, one line each.
 */
function confirmDelete(c: CommandContext, group: ProtectionGroup, drill: Drill): PromiseLike<boolean> {
	return c.ports.decide(vscode.l10n.t('Delete DR drill “{0}” of protection group “{1}”?', drill.name, group.name), actionTitle('deleteDrill'), [
		{ heading: vscode.l10n.t('What it does'), lines: deleteDrillLines(drill.name, drill.drillServers?.length) },
	]);
}

export async function startDrillCommand(c: CommandContext, node?: Node): Promise<unknown> {
	const target = node?.type === 'group' ? node : await pickDrillGroup(c);
	if (!target) {
		return undefined;
	}
	const client = c.clients.client(target.profile);
	const run = await c.workflow.startDrill({ profileId: target.profile.id, project: target.project, group: target.group }, { spec: (group) => askSpec(c, client, target.project, group) });
	return run.kind;
}

export async function deleteDrillCommand(c: CommandContext, node?: Node): Promise<unknown> {
	const target = node?.type === 'drill' ? node : await pickDrill(c);
	if (!target) {
		return undefined;
	}
	const run = await c.workflow.deleteDrill({ profileId: target.profile.id, project: target.project, group: target.group }, target.drill, (group, drill) => confirmDelete(c, group, drill));
	return run.kind;
}

type Choice<T> = vscode.QuickPickItem & { value?: T; blocked?: string };

/** A Quick Pick whose blocked items say why, and cannot be chosen (the same rule as the menus). */
async function pickWithReasons<T>(items: Choice<T>[], title: string): Promise<T | undefined> {
	items.sort((a, b) => Number(!!a.blocked) - Number(!!b.blocked));
	const first = items.findIndex((i) => i.blocked);
	if (first >= 0) {
		items.splice(first, 0, { label: vscode.l10n.t('Not available for {0}', title), kind: vscode.QuickPickItemKind.Separator });
	}
	for (;;) {
		const pick = await vscode.window.showQuickPick(items, { title, matchOnDescription: true, matchOnDetail: true });
		if (!pick?.value) {
			return undefined;
		}
		if (!pick.blocked) {
			return pick.value;
		}
		await say.modalWarning(vscode.l10n.t('“{0}” cannot be chosen: {1}', pick.label, pick.blocked), undefined);
	}
}

async function groupsOf(c: CommandContext, title: string): Promise<{ profile: Profile; project: Project; groups: ProtectionGroup[] } | undefined> {
	const picked = await pickProject(c, title);
	if (!picked) {
		return undefined;
	}
	const client = c.clients.client(picked.profile);
	const groups = await say.progress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Loading protection groups…') }, () => client.listGroups(picked.project));
	return { ...picked, groups };
}

async function pickDrillGroup(c: CommandContext): Promise<GroupNode | undefined> {
	const title = actionTitle('createDrill');
	const loaded = await groupsOf(c, title);
	if (!loaded) {
		return undefined;
	}
	const { profile, project } = loaded;
	const items = loaded.groups.map((g): Choice<ProtectionGroup> => {
		const running = c.store.runningJobFor(project.id, g.id);
		const blocked = drillAllowed(g, running)
			? undefined
			: running
				? vscode.l10n.t('job {0} of this extension is still running for this group', running)
				: vscode.l10n.t('status {0} does not allow a DR drill: it needs {1}', g.status, statusesText(DRILL.from));
		return { label: pickText(g.name), description: pickText(statusLabel(g.status)), detail: blocked && pickText(blocked), value: g, blocked };
	});
	const group = await pickWithReasons(items, vscode.l10n.t('{0}: choose a protection group', title));
	return group && { type: 'group', profile, project, group };
}

async function pickDrill(c: CommandContext): Promise<DrillNode | undefined> {
	const title = actionTitle('deleteDrill');
	const loaded = await groupsOf(c, title);
	if (!loaded) {
		return undefined;
	}
	const { profile, project } = loaded;
	const groupItems = loaded.groups.map((g): Choice<ProtectionGroup> => ({
		label: pickText(g.name),
		description: pickText(statusLabel(g.status)),
		detail: g.drDrillNum ? undefined : vscode.l10n.t('no DR drills'),
		value: g,
		blocked: g.drDrillNum ? undefined : vscode.l10n.t('no DR drills'),
	}));
	const group = await pickWithReasons(groupItems, vscode.l10n.t('{0}: choose a protection group', title));
	if (!group) {
		return undefined;
	}
	const drills = await c.clients.client(profile).listDrills(project, group.id);
	const items = drills.map((d): Choice<Drill> => {
		const blocked = drillDeletable(d.status) ? undefined : vscode.l10n.t('the DR drill is {0}; it needs {1}', d.status, statusesText(DRILL.deletableFrom));
		return { label: pickText(d.name), description: pickText(d.status), detail: blocked && pickText(blocked), value: d, blocked };
	});
	const drill = await pickWithReasons(items, vscode.l10n.t('{0}: choose a DR drill', title));
	return drill && { type: 'drill', profile, project, group, drill };
}
