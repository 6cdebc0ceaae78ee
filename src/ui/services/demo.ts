// The built-in demo: a simulated SDRS inside the extension host on a random loopback port, and a
// "Demo (simulated)" profile whose keys go through SecretStorage like any other. The simulator's
// code is a separate bundle (dist/simulator.js), loaded only here, never on the activation path.
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { Logger } from '../../core/http';
import type { Profile, ProfileStore } from './profiles';
import type * as SimulatorExports from '../../simulator/simulator';

type SimulatorModule = typeof SimulatorExports;
type Simulator = InstanceType<SimulatorModule['Simulator']>;

export const DEMO_PROFILE_NAME = 'Demo (simulated)';

export class Demo implements vscode.Disposable {
	private simulator?: Simulator;
	private starting?: Promise<Simulator>;

	constructor(
		private readonly context: vscode.ExtensionContext,
		private readonly profiles: ProfileStore,
		private readonly log: Logger,
	) {}

	dispose(): void {
		void this.simulator?.stop();
		this.simulator = undefined;
	}

	/** The running simulator (tests use it to set the scene); undefined until the demo starts. */
	get running(): Simulator | undefined {
		return this.simulator;
	}

	private load(): SimulatorModule {
		// A runtime path, so esbuild leaves the simulator out of the extension bundle.
		const path = join(this.context.extensionUri.fsPath, 'dist', 'simulator.js');
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		return require(path) as SimulatorModule;
	}

	/** Starts the simulator (once) and makes sure the demo profile points at it. */
	async ensure(): Promise<Profile> {
		if (!this.simulator) {
			this.starting ??= (async () => {
				const mod = this.load();
				const jobSeconds = Number(process.env.SDRS_DEMO_JOB_SECONDS ?? 8);
				const sim = await mod.startSimulator({ jobDurationMs: jobSeconds * 1000, lifetimeMs: 24 * 3_600_000 });
				this.log.info(`Demo: simulated SDRS listening on ${sim.url}`);
				return sim;
			})();
			try {
				this.simulator = await this.starting;
			} finally {
				this.starting = undefined;
			}
		}
		void vscode.commands.executeCommand('setContext', 'sdrs.demoStarted', true);
		const url = this.simulator.url;
		const endpoints = { iam: url, sdrs: url, ecs: url, vpc: url };
		const existing = this.profiles.list().find((p) => p.kind === 'demo');
		if (existing) {
			if (existing.endpoints?.sdrs !== url || existing.endpoints.vpc !== url) {
				await this.profiles.update(existing.id, { endpoints });
			}
			return this.profiles.get(existing.id) ?? existing;
		}
		const creds = this.load().DEMO_CREDENTIALS;
		return this.profiles.save({ name: DEMO_PROFILE_NAME, kind: 'demo', temporary: false, endpoints }, creds);
	}
}
