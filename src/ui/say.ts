// Every message the extension shows goes through here, each made safe for its sink by
// core/safeText.ts: server text (names, fail reasons, gateway errors) shows as typed and never
// becomes a link, a command or an icon. A lint rule keeps the window's message functions out of
// every other file.
import * as vscode from 'vscode';
import { safeText } from '../core/safeText';

const note = (message: string): string => safeText(message, 'notification');
const modal = (text: string): string => safeText(text, 'modal');

export const say = {
	info: (message: string, ...items: string[]): Thenable<string | undefined> => vscode.window.showInformationMessage(note(message), ...items),
	warn: (message: string, ...items: string[]): Thenable<string | undefined> => vscode.window.showWarningMessage(note(message), ...items),
	error: (message: string, ...items: string[]): Thenable<string | undefined> => vscode.window.showErrorMessage(note(message), ...items),
	modalWarning: (message: string, detail: string | undefined, ...items: string[]): Thenable<string | undefined> =>
		vscode.window.showWarningMessage(modal(message), { modal: true, detail: detail === undefined ? undefined : modal(detail) }, ...items),
	modalInfo: (message: string, detail: string | undefined, ...items: string[]): Thenable<string | undefined> =>
		vscode.window.showInformationMessage(modal(message), { modal: true, detail: detail === undefined ? undefined : modal(detail) }, ...items),
	modalError: (message: string, detail: string | undefined, ...items: string[]): Thenable<string | undefined> =>
		vscode.window.showErrorMessage(modal(message), { modal: true, detail: detail === undefined ? undefined : modal(detail) }, ...items),
	status: (message: string, ms: number): vscode.Disposable => vscode.window.setStatusBarMessage(safeText(message, 'statusBar'), ms),
};

/** Text for a progress notification's title or message (rendered as a notification is). */
export const noteText = (text: string): string => safeText(text, 'notification');

/** Server text inside a QuickPick label, description or detail. */
export const pickText = (text: string): string => safeText(text, 'quickPick');
