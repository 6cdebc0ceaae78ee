// ESLint flat config: typescript-eslint with type information. src/core and src/simulator may
// not import vscode (they are tested with plain Node and reused by the simulator and benchmarks).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

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
		files: ['src/core/**/*.ts', 'src/simulator/**/*.ts'],
		rules: {
			'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'src/core and src/simulator must not depend on VS Code.' }] }],
		},
	},
	{
		files: ['src/**/*.ts'],
		ignores: ['src/core/http.ts'],
		rules: {
			'no-restricted-imports': ['error', { paths: [{ name: 'node-fetch', message: 'Only src/core/http.ts talks to the network.' }] }],
		},
	},
	{
		files: ['src/core/**/*.ts', 'src/simulator/**/*.ts'],
		ignores: ['src/core/http.ts'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					paths: [
						{ name: 'vscode', message: 'src/core and src/simulator must not depend on VS Code.' },
						{ name: 'node-fetch', message: 'Only src/core/http.ts talks to the network.' },
					],
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
			globals: { console: 'readonly', process: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', window: 'readonly', Buffer: 'readonly', module: 'writable', require: 'readonly' },
		},
	},
);
