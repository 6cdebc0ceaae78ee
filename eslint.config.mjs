// ESLint flat config: typescript-eslint with type information, and the layering rule below.
import js from '@eslint/js';
import { dirname, join, relative } from 'node:path';
import tseslint from 'typescript-eslint';

/**
 * The layering rule, in one table. src/core (the client, the workflow, the job store) and
 * src/simulator run in plain Node, so they never import vscode, and the simulator never imports
 * the extension; only src/core/http.ts talks to the network (node-fetch); the extension's UI may
 * name the simulator's types but loads its code only at run time (the demo), so no simulator code
 * lands in the extension bundle. `import type` is always allowed.
 */
const LAYERS = [
	{
		from: 'src/core/',
		forbid: ['vscode', 'node-fetch', 'src/ui/', 'src/simulator/', 'src/extension'],
		except: { 'src/core/http.ts': ['node-fetch'] },
		why: 'src/core runs without VS Code, and only src/core/http.ts talks to the network',
	},
	{ from: 'src/simulator/', forbid: ['vscode', 'node-fetch', 'src/ui/', 'src/extension'], why: 'the simulator is a separate program' },
	{ from: 'src/ui/', forbid: ['node-fetch', 'src/simulator/'], why: 'only src/core/http.ts talks to the network, and the simulator is loaded at run time (demo.ts)' },
	{ from: 'src/extension.ts', forbid: ['node-fetch', 'src/simulator/'], why: 'the simulator stays out of the activation path' },
];
export const layering = {
	rules: {
		imports: {
			meta: { type: 'problem', schema: [] },
			create(context) {
				const file = relative(import.meta.dirname, context.filename)
					.split('\\')
					.join('/');
				const target = (source) =>
					source.startsWith('.')
						? relative(import.meta.dirname, join(dirname(context.filename), source))
								.split('\\')
								.join('/')
						: source;
				const check = (node, source, typeOnly) => {
					if (typeOnly || typeof source !== 'string') return;
					const to = target(source);
					for (const layer of LAYERS) {
						if (!file.startsWith(layer.from)) continue;
						const bad = layer.forbid.find((f) => (f.includes('/') || f === 'src/extension' ? to.startsWith(f) : to === f) && !layer.except?.[file]?.includes(f));
						if (bad) context.report({ node, message: `${file} may not import ${source}: ${layer.why}.` });
					}
				};
				return {
					ImportDeclaration: (node) => check(node, node.source.value, node.importKind === 'type'),
					ExportNamedDeclaration: (node) => node.source && check(node, node.source.value, node.exportKind === 'type'),
					ExportAllDeclaration: (node) => check(node, node.source.value, node.exportKind === 'type'),
					ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value, false),
				};
			},
		},
	},
};

export default tseslint.config(
	{ ignores: ['dist/**', 'out/**', 'node_modules/**', '*.vsix', 'test-results/**', 'bench/results.json', '**/*.d.mts'] },
	js.configs.recommended,
	...tseslint.configs.recommendedTypeChecked,
	{
		files: ['**/*.ts'],
		languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
		rules: {
			'@typescript-eslint/no-floating-promises': 'error',
			'@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
			'@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
			'@typescript-eslint/explicit-module-boundary-types': 'error',
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
			eqeqeq: ['error', 'always'],
			curly: 'error',
		},
	},
	{
		files: ['src/**/*.ts'],
		plugins: { layering },
		rules: { 'layering/imports': 'error' },
	},
	{
		// Every message, progress and input box goes through src/ui/say.ts, which makes server text safe for its sink.
		files: ['src/**/*.ts'],
		ignores: ['src/ui/say.ts'],
		rules: {
			'no-restricted-syntax': [
				'error',
				{
					selector: 'MemberExpression[property.name=/^(show(Error|Warning|Information)Message|setStatusBarMessage|withProgress|showInputBox|createInputBox)$/]',
					message: 'Show messages, progress and input boxes through src/ui/say.ts (server text made safe for each sink).',
				},
			],
		},
	},
	{
		files: ['test/**/*.ts'],
		rules: {
			'@typescript-eslint/no-unsafe-assignment': 'off',
			'@typescript-eslint/no-unsafe-member-access': 'off',
			'@typescript-eslint/no-unsafe-call': 'off',
			'@typescript-eslint/no-non-null-assertion': 'off',
			'@typescript-eslint/explicit-module-boundary-types': 'off',
		},
	},
	{
		files: ['**/*.mjs', '**/*.js', '**/*.cjs'],
		...tseslint.configs.disableTypeChecked,
		languageOptions: {
			globals: {
				console: 'readonly',
				process: 'readonly',
				URL: 'readonly',
				setTimeout: 'readonly',
				clearTimeout: 'readonly',
				window: 'readonly',
				Buffer: 'readonly',
				module: 'writable',
				require: 'readonly',
			},
		},
	},
	{
		// Test extensions installed beside the packaged one: plain CommonJS, as VS Code loads it.
		files: ['test/fixtures/**/*.js'],
		languageOptions: { sourceType: 'commonjs', globals: { exports: 'writable' } },
		rules: { '@typescript-eslint/no-require-imports': 'off' },
	},
);
