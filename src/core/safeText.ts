// Text from a server (names, descriptions, fail reasons, gateway error messages) is text in every
// place it is shown. Each sink renders something: notifications turn [label](target) into links
// (command: links run commands), QuickPick labels and status-bar messages turn $(name) into icons,
// logs and every sink show control and bidirectional-override characters. One function makes a
// string safe for its sink; every sink goes through it (ui/say.ts for messages). Tree labels and
// descriptions ('tree') show bidi overrides too. Markdown ('markdown': tooltips, which escape with
// appendText; markdownText for copied Markdown, which escapes here) links bare URLs by itself.
export type Sink = 'notification' | 'modal' | 'quickPick' | 'statusBar' | 'log' | 'tree' | 'markdown';

const ZWSP = '\u200b';
// C0/C1 controls (tab and newline handled per sink), and the bidi overrides and isolates that can
// make text read as something else.
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const MAX = { notification: 600, modal: 4000, quickPick: 200, statusBar: 200, log: 8000, tree: 1000, markdown: 4000 } as const;

export function safeText(text: string, sink: Sink): string {
	let s = String(text).replace(CONTROLS, '');
	s = sink === 'modal' || sink === 'log' ? s.replace(/\t/g, ' ') : s.replace(/[\t\r\n]+/g, ' ');
	if (sink === 'notification') {
		// A link needs "](" and a scheme: both are broken with an invisible space, so the label and
		// target show as typed and nothing is clickable. Bare URLs lose their scheme separator too.
		s = s
			.replace(/\](\s*)\(/g, `]$1${ZWSP}(`)
			.replace(/\b([a-z][a-z0-9+.-]*):(?=\S)/gi, (m, scheme: string) => (/^(command|https?|file|vscode|mailto|data|javascript)$/i.test(scheme) ? `${scheme}${ZWSP}:` : m));
	}
	if (sink === 'markdown') {
		s = defang(s);
	}
	if (sink === 'notification' || sink === 'quickPick' || sink === 'statusBar') {
		s = s.replace(/\$\(/g, `$${ZWSP}(`);
	}
	return s.length > MAX[sink] ? `${s.slice(0, MAX[sink] - 1)}…` : s;
}

/**
 * Defangs what a Markdown renderer links by itself, with no link syntax (GFM's autolinks,
 * markdown-it's linkify, the hovers' renderer): `https://` (any `scheme://`) becomes `https[:]//`,
 * `mailto:` and `xmpp:` become `mailto[:]`, `www.` becomes `www[.]`, an e-mail address's `@`
 * becomes `[@]`. This is the "defanging" of security advisories: visible ASCII, so no renderer,
 * and no ticket system that drops invisible characters (a zero-width space), makes it a link
 * again, and a reader still sees the address as it was. Link syntax itself is escaped by the sink.
 */
export function defang(text: string): string {
	return text
		.replace(/([a-z][a-z0-9+.-]*):(?=\/\/)/gi, '$1[:]')
		.replace(/(?<![a-z0-9])(mailto|xmpp):/gi, '$1[:]')
		.replace(/(?<![a-z0-9])www\./gi, 'www[.]')
		.replace(/@(?=[\w-]+\.[\w-])/g, '[@]');
}

/**
 * Server text as one Markdown table cell or line of Markdown (reports, job and batch summaries):
 * control and bidi characters removed, newlines joined, bare URLs defanged, and every character
 * Markdown gives a meaning escaped, so it renders as typed and never as a link, image or HTML.
 * `&` is escaped too (a character reference such as `&#x202E;` would bring a removed bidi
 * override back), and the second `/` of `//` (markdown-it's linkify, which VS Code's Markdown
 * preview runs, links a bare `//host/path`, also the one left after a defanged `https[:]`).
 */
export function markdownText(text: string): string {
	return safeText(text, 'markdown')
		.replace(/[\\`*_{}[\]()#+!|<>~&]/g, (c) => `\\${c}`)
		.replace(/\/(?=\/)/g, '/\\');
}
