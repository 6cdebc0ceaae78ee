// What VS Code in Simplified Chinese shows for a service code: the core's English explanation
// (core/explanations.ts) looked up in l10n/bundle.l10n.zh-cn.json, as ui/text.ts explain() does
// through vscode.l10n.t. Undefined unless the bundle translates both sentences (VS Code would
// otherwise show the English).
import { readFileSync } from 'node:fs';
import { explainCode, type Explanation } from '../../src/core/explanations';

const zh = JSON.parse(readFileSync('l10n/bundle.l10n.zh-cn.json', 'utf8')) as Record<string, string>;

export function explainZh(code: string): Explanation | undefined {
	const en = explainCode(code);
	if (!en || !Object.hasOwn(zh, en.explanation) || !Object.hasOwn(zh, en.fix)) {
		return undefined;
	}
	return { explanation: zh[en.explanation], fix: zh[en.fix] };
}
