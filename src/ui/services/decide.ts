// The confirmation of an action that stops or deletes something, with nothing destructive
// pre-selected: a QuickPick whose first answer, the one selected when it opens, is Cancel (Enter
// sends nothing); the action is the second; below them, what the action stops or deletes and what
// it keeps, one line each, and the pre-flight checks. Those lines cannot be chosen: accepting one
// leaves the question open. A modal cannot do this: VS Code focuses its action button.
import * as vscode from 'vscode';
import { pickText } from '../say';

/** What an item answers: Cancel, the action, or nothing (a line to read). */
export type Answer = 'cancel' | 'go';
export type DecisionItem = vscode.QuickPickItem & { answer?: Answer };

/** A heading and its lines, shown below the two answers. */
export interface Section {
	heading: string;
	lines: readonly string[];
}

/** The items: Cancel (first), the action, then each section under its separator. Server text is escaped. */
export function decisionItems(verb: string, sections: readonly Section[]): DecisionItem[] {
	return [
		{ label: vscode.l10n.t('Cancel'), description: vscode.l10n.t('nothing is sent'), answer: 'cancel', alwaysShow: true },
		{ label: pickText(verb), description: vscode.l10n.t('sent once, now'), answer: 'go' },
		...sections.flatMap((s): DecisionItem[] => [{ label: pickText(s.heading), kind: vscode.QuickPickItemKind.Separator }, ...s.lines.map((line) => ({ label: pickText(line) }))]),
	];
}

/**
 * Shows the items with the first answer (Cancel) active; resolves with the answer chosen, or
 * undefined when dismissed. Accepting a line to read does nothing.
 */
export function showDecision(items: readonly DecisionItem[], options: { title: string; placeholder: string }): Promise<DecisionItem | undefined> {
	return new Promise((resolve) => {
		const qp = vscode.window.createQuickPick<DecisionItem>();
		qp.title = options.title;
		qp.placeholder = options.placeholder;
		qp.ignoreFocusOut = true;
		qp.matchOnDescription = true;
		qp.items = items;
		qp.activeItems = items.filter((i) => i.answer === 'cancel').slice(0, 1);
		let done = false;
		const finish = (value: DecisionItem | undefined): void => {
			if (!done) {
				done = true;
				resolve(value);
				qp.dispose();
			}
		};
		qp.onDidAccept(() => {
			const chosen = qp.activeItems[0];
			if (chosen?.answer) {
				finish(chosen);
			}
		});
		qp.onDidHide(() => finish(undefined));
		qp.show();
	});
}
