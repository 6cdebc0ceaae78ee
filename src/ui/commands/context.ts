// What the commands work with: the extension's parts, its context and its log. The extension builds
// it once (extension.ts); the test API is this without the context and the log.
import type * as vscode from 'vscode';
import type { JobStore } from '../../core/jobStore';
import type { Workflow } from '../../core/workflow';
import type { ClientCache } from '../services/clients';
import type { Demo } from '../services/demo';
import type { EditorPorts } from '../services/editorPorts';
import type { FilterState } from '../services/filterState';
import type { HostApprovals } from '../services/hostApprovals';
import type { ProfileStore } from '../services/profiles';
import type { Node, ProtectionGroupsProvider } from '../views/groupsTree';
import type { PlanFiles } from '../planFiles';
import type { ReportDocuments } from '../services/reportDocs';
import type { CommandLog } from '../services/log';

export interface CommandContext {
	context: vscode.ExtensionContext;
	/** The one log, every line through safeText and redactSecrets (server and file text reach it). */
	log: CommandLog;
	profiles: ProfileStore;
	clients: ClientCache;
	approvals: HostApprovals;
	filters: FilterState;
	tree: ProtectionGroupsProvider;
	view: vscode.TreeView<Node>;
	store: JobStore;
	workflow: Workflow;
	demo: Demo;
	ports: EditorPorts;
	/** The open plan files' problems and CodeLens. */
	planFiles: PlanFiles;
	/** The reports opened in editor tabs (read-only Markdown documents). */
	reports: ReportDocuments;
}
