import * as assert from 'node:assert/strict';
import { safeText } from '../../src/core/safeText';

describe('server text is text in every sink', () => {
	const link = /\]\(|command:|https?:\/\//i;

	it('notifications: no Markdown link, command: URI or bare URL survives; the words stay', () => {
		for (const hostile of ['[run](command:sdrs.removeProfile)', 'see https://evil.example/x', '[x] (command:workbench.action.quit)', 'COMMAND:foo', '[a](file:///etc/passwd)']) {
			const out = safeText(hostile, 'notification');
			assert.doesNotMatch(out, link, out);
			assert.equal(out.replace(/\u200b/g, ''), hostile, 'only invisible breaks are added');
		}
		assert.equal(safeText('Protection group not found. (400 SDRS.1013)', 'notification'), 'Protection group not found. (400 SDRS.1013)');
	});

	it('QuickPick labels and status-bar messages: $(icon) shows as typed', () => {
		for (const sink of ['quickPick', 'statusBar', 'notification'] as const) {
			assert.doesNotMatch(safeText('db $(zap) $(loading~spin)', sink), /\$\(/);
		}
		assert.equal(safeText('db $(zap)', 'modal'), 'db $(zap)', 'modals render no icons');
	});

	it('every sink: control and bidi-override characters removed, newlines only where text can wrap, length capped', () => {
		for (const sink of ['notification', 'modal', 'quickPick', 'statusBar', 'log'] as const) {
			const out = safeText('evil\u0000\u001b[31mred\u0007\u202egnp.exe\u2066x', sink);
			assert.equal(out, 'evil[31mredgnp.exex', sink);
			assert.ok(safeText('x'.repeat(10_000), sink).length <= 8000, sink);
		}
		assert.equal(safeText('a\nb', 'notification'), 'a b');
		assert.equal(safeText('a\nb', 'modal'), 'a\nb');
		assert.equal(safeText('<img src=x onerror=alert(1)>', 'notification'), '<img src=x onerror=alert(1)>', 'HTML is shown, never rendered, by these sinks');
	});
});
