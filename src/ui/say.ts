// Every message the extension shows goes through here, each made safe for its sink by
// core/safeText.ts: server text (names, fail reasons, gateway errors) shows as typed and never
// becomes a link, a command or an icon. A lint rule keeps the window's message functions out of
// every other file: notifications, modals, the status bar, progress and input boxes.
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
	/** A progress (a notification, or a view's): its title and every message it reports rendered as a notification is. */
	progress: <R>(options: vscode.ProgressOptions, task: (progress: vscode.Progress<{ message?: string; increment?: number }>, token: vscode.CancellationToken) => Thenable<R>): Thenable<R> =>
		vscode.window.withProgress({ ...options, title: options.title === undefined ? undefined : note(options.title) }, (progress, token) => task(safeProgress(progress), token)),
	/** An input box: its title, prompt and validation messages render links and icons, as a notification does. */
	input: (options: vscode.InputBoxOptions): Thenable<string | undefined> => vscode.window.showInputBox(inputOptions(options)),
};

/** A progress whose every message is rendered as a notification is (links, icons). */
export function safeProgress(progress: vscode.Progress<{ message?: string; increment?: number }>): vscode.Progress<{ message?: string; increment?: number }> {
	return { report: (value) => progress.report(value.message === undefined ? value : { ...value, message: note(value.message) }) };
}

/**
 * An input box's options made safe: the title, the prompt and every message `validateInput` gives
 * (VS Code renders the prompt and the validation message as a notification is rendered: links,
 * `command:` links among them, and icons). The placeholder and the value are plain text.
 */
export function inputOptions(options: vscode.InputBoxOptions): vscode.InputBoxOptions {
	const safe = (m: string | vscode.InputBoxValidationMessage | undefined | null): string | vscode.InputBoxValidationMessage | undefined | null =>
		typeof m === 'string' ? note(m) : m ? { ...m, message: note(m.message) } : m;
	return {
		...options,
		title: options.title === undefined ? undefined : note(options.title),
		prompt: options.prompt === undefined ? undefined : note(options.prompt),
		validateInput: options.validateInput && (async (value) => safe(await options.validateInput!(value))),
	};
}

/** Server text inside a QuickPick label, description or detail. */
export const pickText = (text: string): string => safeText(text, 'quickPick');
