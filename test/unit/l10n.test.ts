import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXPLANATIONS, SDRS_INTERNAL } from '../../src/core/explanations';
import { l10nKeys } from '../support/l10nKeys';

const json = (path: string): Record<string, string> => JSON.parse(readFileSync(path, 'utf8')) as Record<string, string>;

describe('localisation (English and Simplified Chinese)', () => {
	it('every vscode.l10n.t string has a Chinese translation, and the bundle has no unused key', () => {
		const { keys: literals, nonLiteral } = l10nKeys('src');
		// The one exception: ui/text.ts explain() words the core's explanation of a service code,
		// whose English sentences (every one of them) are keys too.
		assert.deepEqual(
			nonLiteral,
			[`${join('src', 'ui', 'text.ts')}: l10n.t(english.explanation…`, `${join('src', 'ui', 'text.ts')}: l10n.t(english.fix…`],
			'l10n.t must be called with a string literal',
		);
		assert.ok(literals.length > 50);
		const explained = [...Object.values(EXPLANATIONS), SDRS_INTERNAL].flatMap((e) => [e.explanation, e.fix]);
		assert.ok(explained.length > 100);
		const keys = [...new Set([...literals, ...explained])];
		const zh = json('l10n/bundle.l10n.zh-cn.json');
		assert.deepEqual(
			keys.filter((k) => !(k in zh)),
			[],
			'missing in l10n/bundle.l10n.zh-cn.json',
		);
		assert.deepEqual(
			Object.keys(zh).filter((k) => !keys.includes(k)),
			[],
			'unused in l10n/bundle.l10n.zh-cn.json',
		);
		for (const [k, v] of Object.entries(zh)) {
			const placeholders = (s: string): string => (s.match(/\{\d+\}/g) ?? []).sort().join();
			assert.equal(placeholders(v), placeholders(k), `placeholders differ for “${k}”`);
			assert.notEqual(v.trim(), '', k);
		}
	});

	it('package.json uses exactly the keys of package.nls.json, and Chinese covers them all', () => {
		const manifest = readFileSync('package.json', 'utf8');
		const used = [...new Set([...manifest.matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]))].sort();
		const en = Object.keys(json('package.nls.json')).sort();
		const zh = Object.keys(json('package.nls.zh-cn.json')).sort();
		assert.deepEqual(used, en);
		assert.deepEqual(zh, en);
	});
});
