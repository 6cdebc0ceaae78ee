// Lists every string passed to vscode.l10n.t(...) in src/ (the keys of l10n/bundle.l10n.*.json).
// Used by the l10n completeness test; run directly to print the keys as JSON.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

function files(dir) {
	return readdirSync(dir).flatMap((f) => {
		const p = join(dir, f);
		return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
	});
}

/** Keys in source order, without duplicates. Only literal first arguments count. */
export function l10nKeys(root = 'src') {
	const keys = new Set();
	const re = /l10n\.t\(\s*(['"`])((?:\\.|(?!\1).)*)\1/gs;
	for (const f of files(root)) {
		const text = readFileSync(f, 'utf8');
		for (const m of text.matchAll(re)) {
			keys.add(JSON.parse('"' + m[2].replace(/\\'/g, "'").replace(/"/g, '\\"') + '"'));
		}
	}
	return [...keys];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
	console.log(JSON.stringify(l10nKeys(), null, 1));
}
