// Activation: wires the log, profiles, clients, filters, the job store and workflow, the views and
// the commands. Nothing here talks to the network or loads the simulator; the tree loads lazily
// when the view is shown.
import * as vscode from 'vscode';
import { JobStore } from './core/jobStore';
import { Workflow } from './core/workflow';
import { registerCommands } from './ui/commands/index';
import { ClientCache } from './ui/services/clients';
import { Demo } from './ui/services/demo';
import { EditorPorts } from './ui/services/editorPorts';
import { FilterState } from './ui/services/filterState';
import { HostApprovals } from './ui/services/hostApprovals';
import { createLog } from './ui/services/log';
import { ProfileStore } from './ui/services/profiles';
import { readSettings } from './ui/services/settings';
import { ProtectionGroupsProvider, type Node } from './ui/views/groupsTree';
import { JobsProvider } from './ui/views/jobsView';

/** What activate() returns: used by the benchmark and the extension-host tests. */
export interface SdrsApi {
	/** Settles when the start-up work deferred after activate() is done. */
	ready: Promise<void>;
	profiles: ProfileStore;
	clients: ClientCache;
	approvals: HostApprovals;
	filters: FilterState;
	tree: ProtectionGroupsProvider;
	view: vscode.TreeView<Node>;
	store: JobStore;
	workflow: Workflow;
	ports: EditorPorts;
	demo: Demo;
	commandIds: string[];
}

export function activate(context: vscode.ExtensionContext): SdrsApi {
	const { channel, logger } = createLog(context);
	const profiles = new ProfileStore(context);
	const ports = new EditorPorts(logger, () => channel.show(true));
	const approvals = new HostApprovals(context.globalState, (message, detail, verb) => ports.prompts.confirm(message, detail, verb));
	const clients = new ClientCache(profiles, logger, approvals);
	const store = new JobStore(context.globalState);
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
	const demo = new Demo(context, profiles, logger);
	const filters = new FilterState(context.globalState, profiles);
	const tree = new ProtectionGroupsProvider(profiles, clients, (id) => filters.get(id), store, workflow.onGroupRead);
	tree.setPrepare((profile) => demo.prepare(profile));
	const view = vscode.window.createTreeView('sdrs.protectionGroups', { treeDataProvider: tree, showCollapseAll: true, canSelectMany: true });
	const jobsView = new JobsProvider(store, profiles);
	const jobsTree = vscode.window.createTreeView('sdrs.jobs', { treeDataProvider: jobsView });
	context.subscriptions.push(profiles, tree, view, filters, demo, workflow, store, jobsView, jobsTree);

	const commandIds = registerCommands(context, { context, profiles, clients, approvals, filters, tree, view, store, workflow, demo, ports, log: channel });
	ports.profileOf = (id) => profiles.get(id);
	ports.batchButtons = (what, batchId) => void vscode.commands.executeCommand(what === 'copy' ? 'sdrs.copyBatchSummary' : 'sdrs.showBatchReport', { batch: store.batch(batchId) });

	// The one invalidation path: a profile, its keys (in any window) or a setting changed, so
	// clients and their keys are dropped, filters of removed profiles forgotten and the tree
	// reloaded, once (the filters' own change event refreshes it only when a filter changed).
	const invalidate = (): void => {
		clients.reset();
		void filters.reload();
		tree.refresh();
	};
	let known = new Set(profiles.list().map((p) => p.id));
	// The store changes on every write (a batch writes once per group and step): the context keys
	// are set only when one of them changes.
	let shown = '';
	const hasJobs = async (): Promise<void> => {
		const keys = { 'sdrs.hasJobs': store.all().length > 0, 'sdrs.hasBatches': store.batches().length > 0, 'sdrs.batchRunning': store.batches().some((b) => !b.endedAt) };
		if (JSON.stringify(keys) !== shown) {
			shown = JSON.stringify(keys);
			await Promise.all(Object.entries(keys).map(([key, value]) => vscode.commands.executeCommand('setContext', key, value)));
		}
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
	return { ready, profiles, clients, approvals, filters, tree, view, store, workflow, ports, demo, commandIds };
}

export function deactivate(): void {
	// Everything is disposed through context.subscriptions; unfinished jobs stay recorded.
}
