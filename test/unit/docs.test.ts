// The maintainer's map stays true: docs/architecture.md's file tree names every source file, so a
// new file cannot land without its line saying what it is for; and no source file grows past 400
// lines (a file that does is doing two things).
import * as assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { basename, join, relative } from 'node:path';

const ROOT = join(__dirname, '../../..');

function sources(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

/** The source files whose name (without .ts) is not a word of the tree. */
function unnamed(tree: string, files: readonly string[]): string[] {
	const words = new Set(tree.match(/[\w.-]+/g)?.flatMap((w) => [w, w.replace(/\.ts$/, '')]) ?? []);
	return files.filter((f) => !words.has(basename(f, '.ts')));
}

describe('docs/architecture.md', () => {
	it('its file tree names every file under src/', () => {
		const doc = readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8');
		const tree = /```\nsrc\/\n([\s\S]*?)```/.exec(doc)?.[1];
		assert.ok(tree, 'the tree is the first code block, starting with src/');
		const files = sources(join(ROOT, 'src')).map((f) => relative(join(ROOT, 'src'), f));
		assert.ok(files.length > 50, `the source files were found (${files.length})`);
		assert.deepEqual(unnamed(tree, files), []);
		// The check itself says no: a file the tree does not name is reported.
		assert.deepEqual(unnamed(tree, [...files, 'core/plans/notInTheTree.ts']), ['core/plans/notInTheTree.ts']);
	});
});

describe('the source files', () => {
	it('none is over 400 lines', () => {
		const files = sources(join(ROOT, 'src'));
		const long = files.map((f) => [relative(ROOT, f), readFileSync(f, 'utf8').split('\n').length - 1] as const).filter(([, lines]) => lines > 400);
		assert.ok(files.length > 50);
		assert.deepEqual(long, []);
	});
});
