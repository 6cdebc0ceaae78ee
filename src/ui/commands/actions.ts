// Enable Protection / Enable Protection Again from the tree or the Command Palette (the workflow
// itself is core/workflow.ts), and starting the demo.
import * as vscode from 'vscode';
import { say } from '../say';
import type { ActionKind } from '../../core/actions';
import type { GroupNode, Node } from '../views/groupsTree';
import type { CommandContext } from './context';
import { planAndRun, selectedGroups } from './batch';
import { pickGroup } from './pickers';

/**
 * From the tree (a group node, or several selected: then one plan for all of them) or the Command
 * Palette (profile → project → group pickers).
 */
export async function runAction(c: CommandContext, action: ActionKind, node?: Node, nodes?: readonly Node[]): Promise<unknown> {
	const many = selectedGroups(nodes);
	if (many) {
		return planAndRun(c, action, many);
	}
	let target: GroupNode | undefined = node?.type === 'group' ? node : undefined;
	if (!target) {
		target = await pickGroup(c, action);
	}
	if (!target) {
		return undefined;
	}
	return (await c.workflow.runAction({ profileId: target.profile.id, project: target.project, group: target.group }, action)).kind;
}

export async function startDemo(c: CommandContext): Promise<void> {
	const profile = await say.progress({ location: { viewId: 'sdrs.protectionGroups' }, title: vscode.l10n.t('Starting the simulated SDRS…') }, () => c.demo.ensure());
	await c.profiles.setActive(profile.id);
	await vscode.commands.executeCommand('sdrs.protectionGroups.focus');
	// A second account, reached through an agency, shows several accounts side by side.
	const partner = c.profiles.list().some((p) => p.simulated) ? undefined : vscode.l10n.t('Add the Partner Account (via Agency)');
	void say
		.info(vscode.l10n.t('The demo runs against a simulated SDRS on this computer. Nothing reaches Huawei Cloud.'), ...(partner ? [partner] : []))
		.then((choice) => (choice ? c.demo.ensurePartner() : undefined));
}
