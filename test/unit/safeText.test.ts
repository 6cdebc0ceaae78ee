import * as assert from 'node:assert/strict';
import { toGroup, toJob } from '../../src/core/model';
import MarkdownIt from 'markdown-it';
import { defang, markdownText, safeText } from '../../src/core/safeText';

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
	// Every bidi control: the marks, the embeddings and overrides, the isolates, Arabic's letter mark.
	const BIDI = ['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\u200e', '\u200f', '\u061c'];
	const anyBidi = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/;

	it('tree labels, descriptions and tooltips: what the model reads from a server has no bidi control left', () => {
		const hostile = `invoice${BIDI.join('')}fdp.exe`;
		const g = toGroup({ id: 'g1', name: hostile, description: `d${BIDI.join('')}`, status: `protected\u202e` });
		assert.equal(g?.name, 'invoicefdp.exe');
		assert.equal(g?.description, 'd');
		assert.equal(g?.status, 'protected');
		assert.equal(toJob({ job_id: 'j', status: 'FAIL', fail_reason: `why\u2067 not` }).failReason, 'why not');
		for (const sink of ['tree', 'markdown'] as const) {
			for (const c of BIDI) {
				assert.doesNotMatch(safeText(`a${c}b`, sink), anyBidi, `${sink} U+${c.charCodeAt(0).toString(16)}`);
			}
		}
		assert.equal(safeText('a\nb\tc', 'tree'), 'a b c', 'one line');
	});

	// What GFM, markdown-it's linkify and the hovers' renderer link without any link syntax.
	const autolink = /[a-z][a-z0-9+.-]*:\/\/|(?<![a-z0-9])www\.|(?<![a-z0-9])(mailto|xmpp):|\w@[\w-]+\.\w/i;

	it('copied Markdown: a bare URL, www. host or e-mail address is defanged; link syntax is escaped; bidi is gone', () => {
		const cases: [string, string][] = [
			['https://evil.example/x', 'https[:]//evil.example/x'],
			['see HTTP://evil and ftp://x', 'see HTTP[:]//evil and ftp[:]//x'],
			['_https://evil.example', '_https[:]//evil.example'],
			['www.evil.example', 'www[.]evil.example'],
			['mail admin@evil.example or mailto:a@b.cn', 'mail admin[@]evil.example or mailto[:]a[@]b.cn'],
			['db-prod.v2 (AZ cn-north-4a): ok', 'db-prod.v2 (AZ cn-north-4a): ok'],
		];
		for (const [input, defanged] of cases) {
			assert.equal(defang(input), defanged);
			assert.doesNotMatch(safeText(input, 'markdown'), autolink, input);
			const md = markdownText(input);
			assert.doesNotMatch(md, autolink, md);
			assert.equal(md.replace(/\\(.)/g, '$1'), defanged, 'escapes only: the words stay');
		}
		const name = `[click](https://evil.example) <img src=x> \u202egnp.exe\n# heading | cell`;
		const md = markdownText(name);
		assert.doesNotMatch(md, /(?<!\\)\[|(?<!\\)\]\(|(?<!\\)</, 'no link or HTML syntax left');
		assert.doesNotMatch(md, anyBidi);
		assert.doesNotMatch(md, /\n/, 'one table cell');
		assert.doesNotMatch(md, /(?<!\\)\|/, 'a | cannot end the cell');
		assert.doesNotMatch(md, autolink);
	});

	it('a report rendered as VS Code’s Markdown preview renders it (markdown-it, linkify on, fuzzy links off): no link, image, HTML or character reference; the words as typed', () => {
		// The preview's renderer, configured as the preview configures it (markdown.preview.linkify on).
		const renderer = new MarkdownIt({ html: true, linkify: true });
		renderer.linkify.set({ fuzzyLink: false });
		const decode = (html: string): string =>
			html
				.replace(/<[^>]*>/g, '')
				.replace(/&lt;/g, '<')
				.replace(/&gt;/g, '>')
				.replace(/&quot;/g, '"')
				.replace(/&amp;/g, '&')
				.trim();
		const hostile = [
			'see //evil.example/x',
			'https://evil.example/x and HTTP://evil',
			'///evil.example',
			'ftp://x mailto:a@b.example www.evil.example admin@evil.example',
			'&#x202E;gnp.exe &#58; &amp; &lt;b&gt;',
			'<img src=x onerror=alert(1)> <script>alert(1)</script> <a href="command:sdrs.removeProfile">x</a>',
			'[click](command:sdrs.removeProfile) ![i](https://evil.example/i.png) <https://evil.example>',
			'\\//evil.example \\[x](y)',
			'12/5/2026, 12:39:20 AM · docs/plans/shop.sdrs-plan.json',
		];
		for (const input of hostile) {
			const cell = markdownText(input);
			for (const html of [renderer.renderInline(cell), renderer.render(`| h |\n|---|\n| ${cell} |\n`), renderer.render(`- ${cell}\n\n## ${cell}\n`)]) {
				assert.doesNotMatch(html, /<(a|img|script)[\s>]|<[^>]*\s(href|src)=/i, `${input} → ${html}`);
				assert.doesNotMatch(html, anyBidi, input);
			}
			assert.equal(decode(renderer.renderInline(cell)), defang(safeText(input, 'markdown')), 'the words as typed (defanged)');
		}
	});
});
