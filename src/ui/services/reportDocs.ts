// The reports a person reads and files (a batch's, a plan run's, a plan's readiness, a plan shown in
// full before its confirmation): each a read-only Markdown document of its own, in an editor tab,
// with VS Code's own Open Preview, Copy and Save As. Not untitled documents: closing one asked
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

	/** Opens `markdown` in an editor tab named after `title` (plan and group names are shown as text only). */
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
		await vscode.window.showTextDocument(doc, { preview: false });
		return doc;
	}

	dispose(): void {
		this.registration.dispose();
		this.texts.clear();
	}
}
