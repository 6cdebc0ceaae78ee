// `npm test`: format, lint, types, unit, extension-host and UI tests, in that order, stopping at the first
// red stage. Prints each stage's time and one closing line "N passed, N failed" (mocha's counts
// summed over the stages that ran). SDRS_TEST_STAGES=unit,integration picks stages.
import { spawn } from 'node:child_process';

const stages = [
	['format', 'npm', ['run', '--silent', 'format:check']],
	['lint', 'npm', ['run', '--silent', 'lint']],
	['types', 'npm', ['run', '--silent', 'typecheck']],
	['unit', 'npm', ['run', '--silent', 'test:unit']],
	['integration', 'npm', ['run', '--silent', 'test:integration']],
	['ui', 'npm', ['run', '--silent', 'test:ui']],
];
const wanted = process.env.SDRS_TEST_STAGES?.split(',').map((s) => s.trim());

function run(cmd, args) {
	return new Promise((resolve) => {
		const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
		let out = '';
		const tee = (stream) => (d) => {
			out += d.toString();
			stream.write(d);
		};
		child.stdout.on('data', tee(process.stdout));
		child.stderr.on('data', tee(process.stderr));
		child.on('close', (code) => resolve({ code: code ?? 1, out }));
	});
}

let passed = 0;
let failed = 0;
const times = [];
let exit = 0;
for (const [name, cmd, args] of stages) {
	if (wanted && !wanted.includes(name)) continue;
	const started = Date.now();
	console.log(`\n=== ${name} ===`);
	const { code, out } = await run(cmd, args);
	// eslint-disable-next-line no-control-regex
	const plain = out.replace(/\u001b\[[0-9;]*m/g, '');
	passed += [...plain.matchAll(/^\s*(\d+) passing/gm)].reduce((n, m) => n + Number(m[1]), 0);
	failed += [...plain.matchAll(/^\s*(\d+) failing/gm)].reduce((n, m) => n + Number(m[1]), 0);
	times.push(`${name} ${((Date.now() - started) / 1000).toFixed(1)} s${code ? ' (FAILED)' : ''}`);
	if (code !== 0) {
		exit = code;
		if (!/\d+ failing/.test(plain)) failed += 1; // a stage that failed without a test count (lint, types, a crash)
		break;
	}
}
console.log(`\nstages: ${times.join(', ')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(exit);
