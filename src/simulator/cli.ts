// `npm run simulator -- --port N [--job-seconds S] [--latency-ms L] [--clock-offset-minutes M] [--seed demo|empty]`
import { DEMO_AGENCY, DEMO_CREDENTIALS, startSimulator } from './simulator';

function arg(name: string): string | undefined {
	const i = process.argv.indexOf(`--${name}`);
	return i >= 0 ? process.argv[i + 1] : process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
}

async function main(): Promise<void> {
	const port = Number(arg('port') ?? 0);
	if (!Number.isInteger(port) || port < 0 || port > 65535) {
		console.error(`--port must be 0..65535, not ${arg('port')}`);
		process.exit(2);
	}
	const seed = arg('seed') ?? 'demo';
	if (seed !== 'demo' && seed !== 'empty') {
		console.error(`--seed must be demo or empty, not ${seed}`);
		process.exit(2);
	}
	const sim = await startSimulator({
		seed,
		port,
		jobDurationMs: Number(arg('job-seconds') ?? 8) * 1000,
		latencyMs: Number(arg('latency-ms') ?? 0),
		clockOffsetMs: Number(arg('clock-offset-minutes') ?? 0) * 60_000,
		lifetimeMs: Number(arg('lifetime-minutes') ?? 240) * 60_000,
	});
	console.log(`SDRS simulator listening on ${sim.url}`);
	console.log(`AK=${DEMO_CREDENTIALS.accessKey} SK=${DEMO_CREDENTIALS.secretKey}`);
	console.log(`agency: domain_name=${DEMO_AGENCY.domainName} agency_name=${DEMO_AGENCY.agencyName} (a second account, reached with the keys above through this agency)`);
	console.log(`admin token (header X-Admin-Token for /__admin/ calls): ${sim.adminToken}`);
	console.log(`Point the extension at it with "sdrs.endpoints": {"iam": "${sim.url}", "sdrs": "${sim.url}", "ecs": "${sim.url}"}`);
	const stop = (): void => void sim.stop().then(() => process.exit(0));
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

void main();
