// What every view shows of a status and of server text: one icon per kind of status, and one
// builder of tooltips that are untrusted Markdown (no command links, no HTML), where only our
// labels are Markdown and every value is appended as text with bare URLs defanged.
import * as vscode from 'vscode';
import { statusKind } from '../../core/actions';
import { safeText } from '../../core/safeText';

/**
 * The icon of a status, the same in every view: a spinner while it moves, an error, protected as a
 * shield, failed-over as a warning, other stable statuses as an empty circle, unknown as a question.
 * (Pairs and drills have a few statuses of their own: `fault` and `invalid` are errors, and an
 * available drill is stable.)
 */
export function statusIcon(status: string, opts: { running?: boolean } = {}): vscode.ThemeIcon {
	const kind = statusKind(status);
	if (opts.running || kind === 'transitional') {
		return new vscode.ThemeIcon('loading~spin');
	}
	if (kind === 'error' || status === 'fault' || status === 'invalid') {
		return new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'));
	}
	if (status === 'protected' || status === 'active') {
		return new vscode.ThemeIcon('shield', new vscode.ThemeColor('testing.iconPassed'));
	}
	if (status === 'failed-over') {
		return new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
	}
	return new vscode.ThemeIcon(kind === 'stable' || status === 'available' ? 'circle-large-outline' : 'question');
}

/** An untrusted tooltip: a bold title, `label: value` rows (empty values left out), then a note. */
export function untrustedTooltip(title: string | undefined, rows: readonly [string, string | undefined][], note?: string): vscode.MarkdownString {
	const md = new vscode.MarkdownString(undefined, false);
	md.isTrusted = false;
	md.supportHtml = false;
	if (title !== undefined) {
		md.appendMarkdown('**');
		md.appendText(safeText(title, 'markdown'));
		md.appendMarkdown('**  \n');
	}
	for (const [label, value] of rows) {
		if (value) {
			md.appendMarkdown(`**${label}:** `);
			md.appendText(safeText(value, 'markdown'));
			md.appendMarkdown('  \n');
		}
	}
	if (note) {
		md.appendMarkdown('\n---\n');
		md.appendText(safeText(note, 'markdown'));
	}
	return md;
}

/** An untrusted tooltip of plain lines (a job's summary). */
export function untrustedLines(lines: readonly string[]): vscode.MarkdownString {
	const md = new vscode.MarkdownString(undefined, false);
	md.isTrusted = false;
	md.supportHtml = false;
	md.appendText(lines.map((line) => safeText(line, 'markdown')).join('\n'));
	return md;
}
