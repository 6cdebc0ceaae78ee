// Check Plan: a plan file read, its names resolved and every group checked for every mode, then the
// readiness report in an editor tab. It reads everything and sends nothing, so it works in a
// restricted workspace too. The plan comes from a repository: its words are escaped as text.
import * as vscode from 'vscode';
import { checkPlan } from '../../core/plans/check';
import { loadPlan } from '../../core/plans/resolve';
import { planReadinessMarkdown } from '../planReadiness';
import { isPlanUri, PLAN_GLOB } from '../planFiles';
import { planDirectory } from '../services/planDirectory';
import { readSettings } from '../services/settings';
import { pickText, say } from '../say';
import type { CommandContext } from './context';

/** The largest plan file read (a plan of 50 steps of 200 groups is far smaller). */
export const MAX_PLAN_BYTES = 1024 * 1024;

/** The plan a command works on: given (CodeLens, menus), the active editor's, or one picked from the workspace. */
export async function whichPlan(given?: vscode.Uri, title = vscode.l10n.t('Check which plan?')): Promise<vscode.Uri | undefined> {
	if (given instanceof vscode.Uri) {
		return given;
	}
	const active = vscode.window.activeTextEditor?.document.uri;
	if (active && isPlanUri(active)) {
		return active;
	}
	const found = await vscode.workspace.findFiles(PLAN_GLOB, '**/node_modules/**', 200);
	if (found.length <= 1) {
		if (!found.length) {
			void say.info(vscode.l10n.t('No recovery plan (*.sdrs-plan.json) in this workspace.'));
		}
		return found[0];
	}
	const pick = await vscode.window.showQuickPick(
		found.map((uri) => ({ label: pickText(vscode.workspace.asRelativePath(uri)), uri })),
		{ title },
	);
	return pick?.uri;
}

/** The plan's text: the open editor's (unsaved edits count), else the file's. */
export async function planText(uri: vscode.Uri): Promise<string | undefined> {
	const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
	if (open) {
		return open.getText();
	}
	const stat = await vscode.workspace.fs.stat(uri);
	if (stat.size > MAX_PLAN_BYTES) {
		void say.error(vscode.l10n.t('{0} is larger than a plan can be ({1} bytes at most); nothing was read.', vscode.workspace.asRelativePath(uri), MAX_PLAN_BYTES));
		return undefined;
	}
	return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
}

/** Returns the report's document (undefined when the plan has problems or the user stopped). */
export async function checkPlanCommand(c: CommandContext, given?: vscode.Uri): Promise<vscode.TextDocument | undefined> {
	const uri = await whichPlan(given);
	if (!uri) {
		return undefined;
	}
	const text = await planText(uri);
	if (text === undefined) {
		return undefined;
	}
	const source = vscode.workspace.asRelativePath(uri);
	const dir = planDirectory(c, false);
	const report = await say.progress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Checking the plan {0}…', source), cancellable: true }, async (_progress, token) => {
		const abort = new AbortController();
		const sub = token.onCancellationRequested(() => abort.abort());
		try {
			const { resolved, problems } = await loadPlan(text, source, dir, abort.signal);
			const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString()) ?? (await vscode.workspace.openTextDocument(uri));
			c.planFiles.show(doc, problems);
			const errors = problems.filter((p) => p.severity === 'error').length;
			if (!resolved || errors) {
				return { markdown: undefined, problems: errors || problems.length };
			}
			const readiness = await checkPlan(
				{
					clientFor: (id) => {
						const profile = c.profiles.get(id);
						return profile && c.clients.client(profile);
					},
					inFlight: (projectId, groupId) => ({ jobId: c.store.runningJobFor(projectId, groupId), inBatch: c.store.queuedInBatch(projectId, groupId) }),
					concurrency: Math.min(4, readSettings().maxConcurrentRequests),
				},
				resolved,
				abort.signal,
			);
			return { markdown: planReadinessMarkdown(readiness, c.profiles.get(resolved.profileId)?.name), problems: 0 };
		} finally {
			sub.dispose();
		}
	});
	if (report.markdown === undefined) {
		// Not awaited: the command ends here whether or not the message is answered.
		void say
			.error(vscode.l10n.t('The plan {0} has {1} problem(s); nothing was checked. See the Problems panel.', source, report.problems), vscode.l10n.t('Show Problems'))
			.then((choice) => choice && vscode.commands.executeCommand('workbench.actions.view.problems'));
		return undefined;
	}
	// A report a person reads and files opens in an editor tab, like a batch's report.
	return c.reports.show(vscode.l10n.t('Check of plan {0}', source), report.markdown);
}
