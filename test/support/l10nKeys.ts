// Every string literal passed to vscode.l10n.t(...) under a folder: the keys the
// l10n/bundle.l10n.*.json files must translate; and each call given something else, named by its
// file and argument (`src/ui/text.ts: l10n.t(english.fix…`).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

function files(dir: string): string[] {
	return readdirSync(dir).flatMap((f) => {
		const p = join(dir, f);
		return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
	});
}

export function l10nKeys(root: string): { keys: string[]; nonLiteral: string[] } {
	const keys = new Set<string>();
	const nonLiteral: string[] = [];
	for (const f of files(root)) {
		const text = readFileSync(f, 'utf8');
		for (const m of text.matchAll(/l10n\.t\(\s*(?:'((?:\\.|[^'\\])*)'|"((?:\\.|[^"\\])*)"|(\w[\w.]*|.))/g)) {
			if (m[3] !== undefined) {
				nonLiteral.push(`${f}: l10n.t(${m[3]}…`);
				continue;
			}
			const raw = m[1] ?? m[2];
			keys.add(raw.replace(/\\(['"\\])/g, '$1').replace(/\\n/g, '\n'));
		}
	}
	return { keys: [...keys], nonLiteral };
}
