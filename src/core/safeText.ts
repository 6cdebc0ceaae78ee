// Text from a server (names, descriptions, fail reasons, gateway error messages) is text in every
// place it is shown. Each sink renders something: notifications turn [label](target) into links
// (command: links run commands), QuickPick labels and status-bar messages turn $(name) into icons,
// logs and every sink show control and bidirectional-override characters. One function makes a
// string safe for its sink; every sink goes through it (ui/say.ts for messages). Markdown is not a
// sink here: tooltips build untrusted MarkdownStrings with appendText, which escapes.
export type Sink = 'notification' | 'modal' | 'quickPick' | 'statusBar' | 'log';

const ZWSP = '\u200b';
// C0/C1 controls (tab and newline handled per sink), and the bidi overrides and isolates that can
// make text read as something else.
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const MAX = { notification: 600, modal: 4000, quickPick: 200, statusBar: 200, log: 8000 } as const;

export function safeText(text: string, sink: Sink): string {
	let s = String(text).replace(CONTROLS, '');
	s = sink === 'modal' || sink === 'log' ? s.replace(/\t/g, ' ') : s.replace(/[\t\r\n]+/g, ' ');
	if (sink === 'notification') {
		// A link needs "](" and a scheme: both are broken with an invisible space, so the label and
		// target show as typed and nothing is clickable. Bare URLs lose their scheme separator too.
		s = s.replace(/\](\s*)\(/g, `]$1${ZWSP}(`).replace(/\b([a-z][a-z0-9+.-]*):(?=\S)/gi, (m, scheme: string) => (/^(command|https?|file|vscode|mailto|data|javascript)$/i.test(scheme) ? `${scheme}${ZWSP}:` : m));
	}
	if (sink === 'notification' || sink === 'quickPick' || sink === 'statusBar') {
		s = s.replace(/\$\(/g, `$${ZWSP}(`);
	}
	return s.length > MAX[sink] ? `${s.slice(0, MAX[sink] - 1)}…` : s;
}
