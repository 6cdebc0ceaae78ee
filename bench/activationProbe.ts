// Loaded by the extension host as the "tests" of a benchmark run: activates the extension and
// writes the activate() time it measured itself to $SDRS_BENCH_ACTIVATION_OUT.
import { writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { SdrsApi } from '../src/extension';

export async function run(): Promise<void> {
	const ext = vscode.extensions.getExtension<SdrsApi>('sdrs-explorer.sdrs-explorer');
	if (!ext) {
		throw new Error('extension not found');
	}
	const api = await ext.activate();
	const out = process.env.SDRS_BENCH_ACTIVATION_OUT;
	if (!out) {
		throw new Error('SDRS_BENCH_ACTIVATION_OUT is not set');
	}
	writeFileSync(out, JSON.stringify({ activationMs: api.activationMs, vscode: vscode.version }));
}
