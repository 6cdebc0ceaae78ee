// The reports a person reads and files (a batch's, a plan run's, a plan's readiness, a plan shown in
// full before its confirmation): each a read-only Markdown document of its own, shown rendered in
// VS Code's own Markdown preview (its strict security: no script runs; every server and plan text
// in a report is escaped and defanged, so nothing in it renders as a link, image or HTML), whose
// Open Source gives the Markdown to copy or Save As. Not untitled documents: closing one asked
// whether to save it, and the editor could hand a new one the name, and the text, of one just
// closed (a run's report showed the previous run's).
import * as vscode from 'vscode';

export const REPORT_SCHEME = 'sdrs-report';
/** Reports kept for their tabs (the oldest are dropped; its tab then says so). */
const KEEP = 50;

export class ReportDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
	private readonly texts = new Map<string, string>();
	private next = 1;
	private readonly registration = vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, this);

	provideTextDocumentContent(uri: vscode.Uri): string {
		return this.texts.get(uri.toString()) ?? vscode.l10n.t('This report is no longer kept: open it again from its command.');
	}

	/** Shows `markdown` rendered in an editor tab named after `title` (plan and group names are shown as text only). */
	async show(title: string, markdown: string): Promise<vscode.TextDocument> {
		const name =
			title
				.replace(/[^\p{L}\p{N} ._-]+/gu, ' ')
				.replace(/\s+/g, ' ')
				.trim()
				.slice(0, 80) || 'report';
		// A folder per report keeps every URI new, so no tab or document is ever reused.
		const uri = vscode.Uri.from({ scheme: REPORT_SCHEME, path: `/${this.next++}/${name}.md` });
		this.texts.set(uri.toString(), markdown);
		for (const old of [...this.texts.keys()].slice(0, Math.max(0, this.texts.size - KEEP))) {
			this.texts.delete(old);
		}
		const doc = await vscode.workspace.openTextDocument(uri);
		try {
			// Locked: the tab keeps this report when another Markdown file becomes active.
			await vscode.commands.executeCommand('markdown.showPreview', uri, [uri], { locked: true });
		} catch {
			// VS Code's Markdown extension is disabled: the Markdown source, read-only.
			await vscode.window.showTextDocument(doc, { preview: false });
		}
		return doc;
	}

	dispose(): void {
		this.registration.dispose();
		this.texts.clear();
	}
}
