// The layering lint rule (eslint.config.mjs) says no when it should: probes linted as if they were
// files of each layer.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ESLint as ESLintType } from 'eslint';

const ROOT = join(__dirname, '../../..');

describe('the layering lint rule', () => {
	async function lint(filePath: string, code: string): Promise<string[]> {
		const { ESLint } = await import('eslint');
		const tseslint = (await import('typescript-eslint')).default;
		const { layering } = (await import(pathToFileURL(join(ROOT, 'eslint.config.mjs')).href)) as { layering: ESLintType.Plugin };
		const eslint = new ESLint({
			cwd: ROOT,
			overrideConfigFile: true,
			overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser }, plugins: { layering }, rules: { 'layering/imports': 'error' } }],
		});
		const [result] = await eslint.lintText(code, { filePath: join(ROOT, filePath) });
		return result.messages.map((m) => m.message);
	}

	it('refuses vscode in src/core, node-fetch outside src/core/http.ts, and the simulator in the extension', async () => {
		assert.match((await lint('src/core/probe.ts', "import * as vscode from 'vscode';\nexport const v = vscode;\n"))[0] ?? '', /may not import vscode/);
		assert.match((await lint('src/ui/probe.ts', "import fetch from 'node-fetch';\nexport const f = fetch;\n"))[0] ?? '', /may not import node-fetch/);
		assert.match((await lint('src/ui/views/probe.ts', "import { startSimulator } from '../../simulator/simulator';\nexport const s = startSimulator;\n"))[0] ?? '', /may not import/);
		assert.match((await lint('src/simulator/probe.ts', "import { activate } from '../extension';\nexport const a = activate;\n"))[0] ?? '', /may not import/);
	});

	it('refuses the window’s messages, progress and input boxes outside src/ui/say.ts (the seam that makes text safe)', async () => {
		const { ESLint } = await import('eslint');
		const tseslint = (await import('typescript-eslint')).default;
		const config = ((await import(pathToFileURL(join(ROOT, 'eslint.config.mjs')).href)) as { default: { ignores?: string[]; rules?: Record<string, unknown> }[] }).default;
		const seam = config.find((c) => c.rules?.['no-restricted-syntax']);
		assert.ok(seam, 'the rule is in the config');
		assert.deepEqual(seam.ignores, ['src/ui/say.ts'], 'only the seam itself may call them');
		const eslint = new ESLint({
			cwd: ROOT,
			overrideConfigFile: true,
			overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser }, rules: { 'no-restricted-syntax': seam.rules!['no-restricted-syntax'] as 'error' } }],
		});
		const refused = async (code: string): Promise<number> => (await eslint.lintText(code, { filePath: join(ROOT, 'src/ui/probe.ts') }))[0].messages.length;
		for (const call of ['showErrorMessage(m)', 'showWarningMessage(m)', 'showInformationMessage(m)', 'setStatusBarMessage(m)', 'withProgress(o, t)', 'showInputBox(o)', 'createInputBox()']) {
			assert.equal(await refused(`import * as vscode from 'vscode';\nexport const f = (m: any, o: any, t: any) => vscode.window.${call};\n`), 1, call);
		}
		assert.equal(
			await refused(`import * as vscode from 'vscode';\nexport const f = (m: any) => vscode.window.showQuickPick(m);\n`),
			0,
			'a QuickPick is worded with pickText (its items carry our own icons)',
		);
	});

	it('allows what the layers may use: node-fetch in http.ts, core in the UI, simulator types in the UI', async () => {
		assert.deepEqual(await lint('src/core/http.ts', "import fetch from 'node-fetch';\nexport const f = fetch;\n"), []);
		assert.deepEqual(await lint('src/ui/probe.ts', "import { JobStore } from '../core/jobStore';\nexport const j = JobStore;\n"), []);
		assert.deepEqual(await lint('src/ui/services/probe.ts', "import type * as Sim from '../../simulator/simulator';\nexport type S = typeof Sim;\n"), []);
	});
});
