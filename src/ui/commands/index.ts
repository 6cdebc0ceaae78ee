// Every command in one typed map, registered through one wrapper that logs failures and shows a
// single error message with "Show Log". A test checks this map and package.json agree both ways.
// The commands themselves are in the files beside this one.
import * as vscode from 'vscode';
import { say } from '../say';
import { consoleUrl } from '../../core/endpoints';
import type { StoredJob } from '../../core/records';
import type { CommandContext } from './context';
import { describeError } from '../text';
import type { Node } from '../views/groupsTree';
import type { BatchItem, PlanRunItem } from '../views/jobsView';
import { runAction, startDemo } from './actions';
import { addAgencyProfile } from './agency';
import { importKooCliProfiles } from './koocli';
import { copyBatchSummary, projectPlan, showBatchReport, stopBatch } from './batch';
import { cleanUpPlanDrills, continuePlan, copyPlanReport, drillPlan, runPlan, showPlanReport, stopPlan } from './plans';
import { addProfile, removeProfile, selectProfile } from './credentials';
import { deleteDrillCommand, startDrillCommand } from './drills';
import { clearFilter, setFilter } from './filters';
import { copyJobSummary, revealGroup, type GroupRef } from './jobs';
import { checkPlanCommand } from './planCheck';

/**
 * Every command and what it is given: a tree element from a view's menu, a job from the Jobs
 * view, nothing from the Command Palette (the handler then asks).
 */
export interface Commands {
	'sdrs.addProfile': () => unknown;
	'sdrs.addAgencyProfile': () => unknown;
	/** A file from a caller (otherwise KooCLI's own, or one the user picks). */
	'sdrs.importKooCliProfiles': (file?: vscode.Uri) => unknown;
	'sdrs.removeProfile': (node?: Node) => unknown;
	'sdrs.selectProfile': () => unknown;
	'sdrs.refresh': (node?: Node) => unknown;
	/** With several groups selected in the tree, VS Code gives the selection too: one plan for all. */
	'sdrs.enableProtection': (node?: Node, nodes?: readonly Node[]) => unknown;
	'sdrs.enableProtectionAgain': (node?: Node, nodes?: readonly Node[]) => unknown;
	'sdrs.enableProtectionInProject': (node?: Node) => unknown;
	'sdrs.enableProtectionAgainInProject': (node?: Node) => unknown;
	'sdrs.disableProtection': (node?: Node, nodes?: readonly Node[]) => unknown;
	'sdrs.plannedFailover': (node?: Node, nodes?: readonly Node[]) => unknown;
	'sdrs.failover': (node?: Node, nodes?: readonly Node[]) => unknown;
	'sdrs.disableProtectionInProject': (node?: Node) => unknown;
	'sdrs.plannedFailoverInProject': (node?: Node) => unknown;
	'sdrs.failoverInProject': (node?: Node) => unknown;
	'sdrs.createDrill': (node?: Node) => unknown;
	'sdrs.deleteDrill': (node?: Node) => unknown;
	'sdrs.stopBatch': (item?: BatchItem) => unknown;
	'sdrs.showBatchReport': (item?: BatchItem) => unknown;
	'sdrs.copyBatchSummary': (item?: BatchItem) => unknown;
	'sdrs.runPlan': (uri?: vscode.Uri) => unknown;
	'sdrs.drillPlan': (uri?: vscode.Uri) => unknown;
	'sdrs.cleanUpPlanDrills': (item?: PlanRunItem | string) => unknown;
	'sdrs.stopPlan': (item?: PlanRunItem | string) => unknown;
	'sdrs.continuePlan': (item?: PlanRunItem | string) => unknown;
	'sdrs.showPlanReport': (item?: PlanRunItem | string) => unknown;
	'sdrs.copyPlanReport': (item?: PlanRunItem | string) => unknown;
	'sdrs.copyId': (node?: Node) => unknown;
	'sdrs.openInConsole': (node?: Node) => unknown;
	'sdrs.showLog': () => unknown;
	'sdrs.startDemo': () => unknown;
	'sdrs.filter': () => unknown;
	'sdrs.clearFilter': () => unknown;
	'sdrs.showJobs': () => unknown;
	'sdrs.copyJobSummary': (job?: StoredJob) => unknown;
	'sdrs.revealGroup': (job?: GroupRef) => unknown;
	'sdrs.clearJobHistory': () => unknown;
	'sdrs.followJobAgain': (job?: StoredJob) => unknown;
	'sdrs.dismissJob': (job?: StoredJob) => unknown;
	/** A plan file from its CodeLens or a menu (otherwise the active editor's, or one picked). */
	'sdrs.checkPlan': (file?: vscode.Uri) => unknown;
}

export function commandMap(c: CommandContext): Commands {
	return {
		'sdrs.addProfile': () => addProfile(c),
		'sdrs.addAgencyProfile': () => addAgencyProfile(c),
		'sdrs.importKooCliProfiles': (file) => importKooCliProfiles(c, file),
		'sdrs.removeProfile': (node) => removeProfile(c, node),
		'sdrs.selectProfile': () => selectProfile(c),
		'sdrs.refresh': (node) => c.tree.refresh(node),
		'sdrs.enableProtection': (node, nodes) => runAction(c, 'enable', node, nodes),
		'sdrs.enableProtectionAgain': (node, nodes) => runAction(c, 'enableAgain', node, nodes),
		'sdrs.enableProtectionInProject': (node) => projectPlan(c, 'enable', node),
		'sdrs.enableProtectionAgainInProject': (node) => projectPlan(c, 'enableAgain', node),
		'sdrs.disableProtection': (node, nodes) => runAction(c, 'disable', node, nodes),
		'sdrs.plannedFailover': (node, nodes) => runAction(c, 'plannedFailover', node, nodes),
		'sdrs.failover': (node, nodes) => runAction(c, 'failover', node, nodes),
		'sdrs.disableProtectionInProject': (node) => projectPlan(c, 'disable', node),
		'sdrs.plannedFailoverInProject': (node) => projectPlan(c, 'plannedFailover', node),
		'sdrs.failoverInProject': (node) => projectPlan(c, 'failover', node),
		'sdrs.createDrill': (node) => startDrillCommand(c, node),
		'sdrs.deleteDrill': (node) => deleteDrillCommand(c, node),
		'sdrs.stopBatch': (item) => stopBatch(c, item),
		'sdrs.showBatchReport': (item) => showBatchReport(c, item),
		'sdrs.copyBatchSummary': (item) => copyBatchSummary(c, item),
		'sdrs.runPlan': (uri) => runPlan(c, uri),
		'sdrs.drillPlan': (uri) => drillPlan(c, uri),
		'sdrs.cleanUpPlanDrills': (item) => cleanUpPlanDrills(c, item),
		'sdrs.stopPlan': (item) => stopPlan(c, item),
		'sdrs.continuePlan': (item) => continuePlan(c, item),
		'sdrs.showPlanReport': (item) => showPlanReport(c, item),
		'sdrs.copyPlanReport': (item) => copyPlanReport(c, item),
		'sdrs.copyId': async (n) => {
			const id =
				n?.type === 'group'
					? n.group.id
					: n?.type === 'project'
						? n.project.id
						: n?.type === 'instance'
							? n.instance.id
							: n?.type === 'pair'
								? n.pair.id
								: n?.type === 'drill'
									? n.drill.id
									: undefined;
			if (id) {
				await vscode.env.clipboard.writeText(id);
				void say.status(vscode.l10n.t('Copied {0}', id), 3000);
			}
		},
		'sdrs.openInConsole': async (n) => {
			if (n?.type === 'group') {
				await vscode.env.openExternal(vscode.Uri.parse(consoleUrl(n.project.region, n.group.id)));
			}
		},
		'sdrs.showLog': () => c.log.show(true),
		'sdrs.startDemo': () => startDemo(c),
		'sdrs.filter': () => setFilter(c),
		'sdrs.clearFilter': () => clearFilter(c),
		'sdrs.showJobs': () => vscode.commands.executeCommand('sdrs.jobs.focus'),
		'sdrs.copyJobSummary': (job) => copyJobSummary(c, job),
		'sdrs.revealGroup': (job) => revealGroup(c, job),
		'sdrs.clearJobHistory': () => c.store.clear(false),
		'sdrs.followJobAgain': (job) => job && void c.workflow.followAgain(job.jobId),
		'sdrs.dismissJob': (job) => job && c.workflow.dismiss(job.jobId),
		'sdrs.checkPlan': (file) => checkPlanCommand(c, file),
	};
}

/** Registers every command of the map; returns their ids. */
export function registerCommands(context: vscode.ExtensionContext, c: CommandContext): string[] {
	const map = commandMap(c);
	for (const [id, handler] of Object.entries(map) as [string, (...args: unknown[]) => unknown][]) {
		context.subscriptions.push(
			vscode.commands.registerCommand(id, async (...args: unknown[]) => {
				try {
					return await handler(...args);
				} catch (e) {
					c.log.error(`${id} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
					const choice = await say.error(describeError(e), vscode.l10n.t('Show Log'));
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
