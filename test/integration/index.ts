// The mocha runner that VS Code's extension host loads (extensionTestsPath); the same file runs
// under Electron VS Code and under code-server. Suites are the *.test.js bundles beside it.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
	const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, forbidOnly: true, forbidPending: true, reporter: 'spec' });
	const grep = process.env.SDRS_TEST_GREP;
	if (grep) {
		mocha.grep(grep);
	}
	for (const f of readdirSync(__dirname).filter((f) => f.endsWith('.test.js'))) {
		// The deliberately failing suite proves the harness reports failure; it runs only on request.
		if (f.startsWith('failing.') && !process.env.SDRS_TEST_FAIL) {
			continue;
		}
		mocha.addFile(join(__dirname, f));
	}
	return new Promise((resolve, reject) => {
		mocha.run((failures) => {
			console.log(`${mocha.suite.total()} tests planned`);
			if (failures > 0) {
				reject(new Error(`${failures} test(s) failed`));
			} else {
				resolve();
			}
		});
	});
}
