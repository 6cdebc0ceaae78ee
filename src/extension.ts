// Activation: wires the log, profiles, clients, filters, the job store and workflow, the views and
// the commands. Nothing here talks to the network or loads the simulator; the tree loads lazily
// when the view is shown.
import * as vscode from 'vscode';
import { JobStore } from './core/jobStore';
import { SerialState } from './core/sharedState';
import { Workflow } from './core/workflow';
import type { CommandContext } from './ui/commands/context';
import { registerCommands } from './ui/commands/index';
import { ClientCache } from './ui/services/clients';
import { Demo } from './ui/services/demo';
import { EditorPorts } from './ui/services/editorPorts';
import { editorPlanPorts } from './ui/services/planPorts';
import { say } from './ui/say';
import { FilterState } from './ui/services/filterState';
import { HostApprovals } from './ui/services/hostApprovals';
import { createLog } from './ui/services/log';
import { accountText, ProfileStore } from './ui/services/profiles';
import { resetContextKeys, setContextKey } from './ui/services/contextKeys';
import { readSettings } from './ui/services/settings';
import { ProtectionGroupsProvider } from './ui/views/groupsTree';
import { JobsProvider } from './ui/views/jobsView';
import { PlanFiles } from './ui/planFiles';
import { planDirectory } from './ui/services/planDirectory';
import { ReportDocuments } from './ui/services/reportDocs';

/**
 * What activate() returns to the benchmark and the extension-host tests, and only to them (the
 * extension in Test or Development mode): the commands' context without the editor's context and
 * log, plus when start-up ended and the command ids. It holds the profile store, which reads keys:
 * any installed extension may call activate() and read the exports, so a production install
 * returns nothing.
 */
export type SdrsApi = Omit<CommandContext, 'context' | 'log'> & {
	/** Settles when the start-up work deferred after activate() is done. */
	ready: Promise<void>;
	commandIds: string[];
};

export function activate(context: vscode.ExtensionContext): SdrsApi | undefined {
	resetContextKeys();
	const { channel, logger } = createLog(context);
	// Every write to globalState goes through this one, one at a time (sharedState.ts says why).
	const shared = new SerialState(context.globalState);
	const profiles = new ProfileStore(context, shared);
	const ports = new EditorPorts(logger, () => channel.show(true));
	const approvals = new HostApprovals(shared, (message, detail, verb) => ports.prompts.confirm(message, detail, verb));
	const demo = new Demo(context, profiles, logger);
	const clients = new ClientCache(profiles, logger, approvals, () => demo.running?.url);
	const store = new JobStore(shared);
	const workflow = new Workflow({
		store,
		clientFor: (id) => {
			const profile = profiles.get(id);
			return profile && clients.client(profile);
		},
		ports,
		log: logger,
		jobTimeoutMs: () => readSettings().jobTimeoutMs,
		maxConcurrentRequests: () => readSettings().maxConcurrentRequests,
	});
	const filters = new FilterState(shared, profiles);
	const tree = new ProtectionGroupsProvider(profiles, clients, (id) => filters.get(id), store, workflow.onGroupRead);
	tree.setPrepare((profile) => demo.prepare(profile));
	const view = vscode.window.createTreeView('sdrs.protectionGroups', { treeDataProvider: tree, showCollapseAll: true, canSelectMany: true });
	const jobsView = new JobsProvider(store, profiles, workflow.plans.runs);
	const jobsTree = vscode.window.createTreeView('sdrs.jobs', { treeDataProvider: jobsView });
	// The open plans' problems: names resolved in the background never ask anything (planDirectory).
	const planFiles = new PlanFiles(() => planDirectory({ profiles, clients, approvals, demo }, true), logger);
	const reports = new ReportDocuments();
	context.subscriptions.push(profiles, tree, view, filters, demo, workflow, store, jobsView, jobsTree, planFiles, reports);

	const commandIds = registerCommands(context, { context, profiles, clients, approvals, filters, tree, view, store, workflow, demo, ports, planFiles, reports, log: logger });
	ports.profileOf = (id) => profiles.get(id);
	workflow.plans.planPorts = editorPlanPorts({
		prompts: () => ports.prompts,
		showReport: (runId) => void vscode.commands.executeCommand('sdrs.showPlanReport', runId),
		// A run held in globalState is offered in every window: only a trusted one may go on sending.
		continueRun: (runId) =>
			vscode.workspace.isTrusted ? void workflow.plans.continueRun(runId) : void say.warn(vscode.l10n.t('This workspace is not trusted: continue the plan from a trusted window. Nothing was sent.')),
		where: (plan) => {
			const profile = profiles.get(plan.profileId);
			const account = profile && accountText(profile, plan.project.domainId);
			return vscode.l10n.t('Profile “{0}”{1}, project {2} ({3})', profile?.name ?? plan.profileId, account ? ` · ${account}` : '', plan.project.name, plan.project.region);
		},
		openPlan: (plan, markdown) => reports.show(vscode.l10n.t('Plan {0} to confirm', plan.name), markdown),
		abandon: (runId) => void workflow.plans.abandon(runId),
	});
	ports.batchButtons = (what, batchId) => void vscode.commands.executeCommand(what === 'copy' ? 'sdrs.copyBatchSummary' : 'sdrs.showBatchReport', { batch: store.batch(batchId) });

	// The one invalidation path: a profile, its keys (in any window) or a setting changed, so
	// clients and their keys are dropped, filters of removed profiles forgotten and the tree
	// reloaded, once (the filters' own change event refreshes it only when a filter changed).
	const invalidate = (): void => {
		clients.reset();
		approvals.clearRefusals();
		void filters.reload();
		tree.refresh();
		planFiles.recheckAll();
	};
	let known = new Set(profiles.list().map((p) => p.id));
	const hasJobs = async (): Promise<void> => {
		await Promise.all([
			setContextKey('sdrs.hasJobs', store.all().length > 0),
			setContextKey('sdrs.hasBatches', store.batches().length > 0),
			setContextKey(
				'sdrs.batchRunning',
				store.batches().some((b) => !b.endedAt),
			),
		]);
	};
	context.subscriptions.push(
		profiles.onDidChange(() => {
			void profiles.updateContext();
			const now = new Set(profiles.list().map((p) => p.id));
			void approvals.forget([...known].filter((id) => !now.has(id)));
			known = now;
			invalidate();
		}),
		filters.onDidChange(() => {
			view.description = filters.description();
			tree.refresh();
		}),
		store.onDidChange(() => void hasJobs()),
		vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('sdrs') && invalidate()),
	);
	// Context keys, saved filters and unfinished jobs right after activation: none of them is
	// needed before VS Code asks the tree for its first children.
	const ready = new Promise<void>((resolve) => setTimeout(resolve, 0)).then(async () => {
		const resumed = workflow.resumeAll();
		await Promise.all([profiles.updateContext(), filters.reload(), hasJobs()]);
		logger.info(`Activated${resumed ? `; resuming ${resumed} job(s)` : ''}`);
	});
	if (context.extensionMode === vscode.ExtensionMode.Production) {
		return undefined;
	}
	return { ready, profiles, clients, approvals, filters, tree, view, store, workflow, ports, demo, planFiles, reports, commandIds };
}

export function deactivate(): void {
	// Everything is disposed through context.subscriptions; unfinished jobs stay recorded.
}
