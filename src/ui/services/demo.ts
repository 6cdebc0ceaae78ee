// The built-in demo: a simulated SDRS inside the extension host on a random loopback port, and a
// "Demo (simulated)" profile whose keys go through SecretStorage like any other. The simulator's
// code is a separate bundle (dist/simulator.js), loaded only here, never on the activation path.
import { join } from 'node:path';
import type * as vscode from 'vscode';
import type { Logger } from '../../core/logger';
import type { Profile, ProfileStore } from './profiles';
import type * as SimulatorExports from '../../simulator/simulator';
import { setContextKey } from './contextKeys';

type SimulatorModule = typeof SimulatorExports;
type Simulator = InstanceType<SimulatorModule['Simulator']>;

export const DEMO_PROFILE_NAME = 'Demo (simulated)';
export const DEMO_PARTNER_NAME = 'Demo partner (via agency)';

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
		void setContextKey('sdrs.demoStarted', true);
		const url = this.simulator.url;
		const endpoints = { iam: url, sdrs: url, ecs: url, vpc: url };
		const existing = this.profiles.list().find((p) => p.kind === 'demo');
		if (existing) {
			if (existing.endpoints?.sdrs !== url || existing.endpoints.vpc !== url || !existing.account) {
				const { DEMO_ACCOUNT } = this.load();
				await this.profiles.update(existing.id, { endpoints, account: { id: DEMO_ACCOUNT.id, name: DEMO_ACCOUNT.name } });
			}
			return this.profiles.get(existing.id) ?? existing;
		}
		const { DEMO_CREDENTIALS, DEMO_ACCOUNT } = this.load();
		return this.profiles.save({ name: DEMO_PROFILE_NAME, kind: 'demo', temporary: false, endpoints, account: { id: DEMO_ACCOUNT.id, name: DEMO_ACCOUNT.name } }, DEMO_CREDENTIALS);
	}

	/** The agency the demo account may assume in the simulator's partner account. */
	agency(): { domainName: string; domainId: string; agencyName: string } {
		return this.load().DEMO_AGENCY;
	}

	/**
	 * The demo's second account: "Demo partner (via agency)" reaches the simulator's partner account
	 * through its agency, with the demo profile's keys (nothing of the temporary keys is stored).
	 */
	async ensurePartner(): Promise<Profile> {
		const demo = await this.ensure();
		const existing = this.profiles.list().find((p) => p.simulated && p.kind === 'agency');
		if (existing) {
			return existing;
		}
		const a = this.agency();
		return this.profiles.save(
			{
				name: DEMO_PARTNER_NAME,
				kind: 'agency',
				temporary: false,
				simulated: true,
				agency: { baseProfileId: demo.id, domainName: a.domainName, agencyName: a.agencyName, durationSeconds: 3600 },
				account: { id: a.domainId, name: a.domainName },
			},
			undefined,
		);
	}

	/** Before a profile's projects load: the demo's profiles need the simulator running. */
	async prepare(profile: Profile): Promise<Profile> {
		if (profile.kind === 'demo') {
			return this.ensure();
		}
		if (profile.simulated) {
			await this.ensure();
			return this.profiles.get(profile.id) ?? profile;
		}
		return profile;
	}
}
