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

	it('allows what the layers may use: node-fetch in http.ts, core in the UI, simulator types in the UI', async () => {
		assert.deepEqual(await lint('src/core/http.ts', "import fetch from 'node-fetch';\nexport const f = fetch;\n"), []);
		assert.deepEqual(await lint('src/ui/probe.ts', "import { JobStore } from '../core/jobStore';\nexport const j = JobStore;\n"), []);
		assert.deepEqual(await lint('src/ui/services/probe.ts', "import type * as Sim from '../../simulator/simulator';\nexport type S = typeof Sim;\n"), []);
	});
});
