// The one seam for what the window shows (src/ui/say.ts): server, plan and KooCLI text in an input
// box's title, prompt and validation message, and in a progress message, shows as typed: never a
// link (a command: link runs a command), never an icon. The lint rule keeps every other file from
// calling the window's functions directly (test/unit/layering.test.ts shows it refuse).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { safeText } from '../../src/core/safeText';
import { inputOptions, safeProgress } from '../../src/ui/say';

/** What VS Code would render as a link or an icon in a notification or an input box. */
const live = (text: string): string[] => [...(text.match(/\]\s*\(|\b(command|https?):|\$\(/gi) ?? [])];
const hostile = 'DR [Confirm](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22id%5Cn%22%7D) $(alert) https://evil.example';

describe('the seam for messages, progress and input boxes (say.ts)', () => {
	it('an input box: title, prompt and every validation message (string or object) as typed; the value and placeholder kept', async () => {
		assert.ok(live(hostile).length >= 3, 'the hostile text has links and an icon to start with');
		const options = inputOptions({
			title: hostile,
			prompt: `Type ${hostile}`,
			value: hostile,
			placeHolder: hostile,
			validateInput: (v) => (v === 'object' ? { message: hostile, severity: vscode.InputBoxValidationSeverity.Error } : v === 'ok' ? undefined : hostile),
		});
		assert.deepEqual(live(options.title!), []);
		assert.deepEqual(live(options.prompt!), []);
		assert.equal(options.value, hostile, 'what is typed is not changed');
		assert.equal(options.placeHolder, hostile, 'the placeholder is plain text');
		const validate = (v: string): ReturnType<NonNullable<vscode.InputBoxOptions['validateInput']>> => options.validateInput!(v);
		const text = await validate('x');
		assert.equal(typeof text, 'string');
		assert.deepEqual(live(text as string), []);
		assert.equal(text, safeText(hostile, 'notification'), 'the message is the same words, made safe for a notification');
		const message = (await validate('object')) as vscode.InputBoxValidationMessage;
		assert.deepEqual(live(message.message), []);
		assert.equal(message.severity, vscode.InputBoxValidationSeverity.Error);
		assert.equal(await validate('ok'), undefined, 'no message stays no message');
		assert.equal(typeof inputOptions({ prompt: 'plain' }).validateInput, 'undefined', 'no validation stays none');
	});

	it('a progress: every message reported as typed, the increment kept', () => {
		const seen: { message?: string; increment?: number }[] = [];
		const progress = safeProgress({ report: (v) => seen.push(v) });
		progress.report({ message: hostile, increment: 10 });
		progress.report({ increment: 5 });
		assert.equal(seen.length, 2);
		assert.deepEqual(live(seen[0].message!), []);
		assert.equal(seen[0].increment, 10);
		assert.deepEqual(seen[1], { increment: 5 });
	});
});
