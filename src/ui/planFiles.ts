// Plan files (`*.sdrs-plan.json`) in the editor: the "SDRS plans" problems of every open plan (what
// the parser finds at once; then, when it parses, the names resolved against the user's profiles,
// projects and groups, as the plan is typed, debounced) and the CodeLens above a plan (Check Plan;
// Rehearse and Run where the workspace is trusted). A plan is hostile input: its words are shown
// as text in problems (plain strings) and never opened, followed or run.
import * as vscode from 'vscode';
import { SdrsError } from '../core/errors';
import type { Logger } from '../core/logger';
import { parsePlan } from '../core/plans/parse';
import { resolvePlan, type PlanDirectory } from '../core/plans/resolve';
import type { PlanProblem } from '../core/plans/types';
import { safeText } from '../core/safeText';
import { planProblemText } from './text';

/** Whether a file is a plan: the one pattern of the schema, the CodeLens and the menus. */
export const isPlanUri = (uri: vscode.Uri): boolean => /\.sdrs-plan\.json$/i.test(uri.path);
export const PLAN_GLOB = '**/*.sdrs-plan.json';
/** How long typing must pause before a plan's names are resolved again. */
export const PLAN_DEBOUNCE_MS = 500;

/** The commands a plan's CodeLens offers: Check always, Rehearse and Run only in a trusted workspace (and once they exist). */
export function planLensCommands(trusted: boolean, registered: ReadonlySet<string>): { command: string; title: string }[] {
	const lenses = [{ command: 'sdrs.checkPlan', title: vscode.l10n.t('Check Plan') }];
	if (trusted) {
		lenses.push({ command: 'sdrs.drillPlan', title: vscode.l10n.t('Rehearse Plan (DR Drills)') }, { command: 'sdrs.runPlan', title: vscode.l10n.t('Run Plan…') });
	}
	return lenses.filter((l) => l.command === 'sdrs.checkPlan' || registered.has(l.command));
}

/** A plan's problems as the Problems panel shows them: at the offending text, in the user's language. */
export function planDiagnostics(doc: Pick<vscode.TextDocument, 'positionAt'>, problems: readonly PlanProblem[]): vscode.Diagnostic[] {
	return problems.map((p) => {
		const start = doc.positionAt(p.span.offset);
		const end = doc.positionAt(p.span.offset + Math.max(0, p.span.length));
		const severity = p.code === 'unreadable' ? vscode.DiagnosticSeverity.Information : p.severity === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Error;
		// A problem's message quotes the plan's words: shown as plain text (the panel renders no Markdown), made one line.
		const d = new vscode.Diagnostic(new vscode.Range(start, end), safeText(planProblemText(p), 'tree'), severity);
		d.source = 'SDRS';
		d.code = p.code;
		return d;
	});
}

/** Network and service failures while resolving say so once, at the project (or nothing is added). */
function quiet(problems: readonly PlanProblem[]): PlanProblem[] {
	const unreadable = problems.filter((p) => p.code === 'unreadable');
	return [...problems.filter((p) => p.code !== 'unreadable'), ...unreadable.slice(0, 1)];
}

export class PlanFiles implements vscode.Disposable {
	readonly diagnostics = vscode.languages.createDiagnosticCollection('SDRS plans');
	private readonly disposables: vscode.Disposable[] = [this.diagnostics];
	private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
	private readonly inFlight = new Map<string, { abort: AbortController; done: Promise<void> }>();
	private readonly lensesChanged = new vscode.EventEmitter<void>();

	constructor(
		/** The directory to resolve names against (background: never ask the user anything). */
		private readonly directory: () => PlanDirectory,
		private readonly log: Logger,
		private readonly debounceMs = PLAN_DEBOUNCE_MS,
	) {
		this.disposables.push(
			this.lensesChanged,
			vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)),
			vscode.workspace.onDidChangeTextDocument((e) => e.contentChanges.length && this.schedule(e.document, this.debounceMs)),
			vscode.workspace.onDidCloseTextDocument((d) => this.forget(d.uri)),
			vscode.workspace.onDidGrantWorkspaceTrust(() => {
				this.lensesChanged.fire();
				this.recheckAll();
			}),
			vscode.languages.registerCodeLensProvider({ pattern: PLAN_GLOB }, { provideCodeLenses: (d) => this.lenses(d), onDidChangeCodeLenses: this.lensesChanged.event }),
		);
		for (const d of vscode.workspace.textDocuments) {
			this.schedule(d, 0);
		}
	}

	dispose(): void {
		this.timers.forEach((t) => clearTimeout(t));
		this.timers.clear();
		this.inFlight.forEach((r) => r.abort.abort());
		this.disposables.forEach((d) => void d.dispose());
	}

	/** Profiles or settings changed: every open plan is checked again. */
	recheckAll(): void {
		for (const d of vscode.workspace.textDocuments) {
			this.schedule(d, 0);
		}
	}

	/** Settles when the document's problems are the latest (tests; Check Plan after a save). */
	async settled(uri: vscode.Uri): Promise<void> {
		for (;;) {
			const key = uri.toString();
			if (this.timers.has(key)) {
				await new Promise((r) => setTimeout(r, 20));
				continue;
			}
			const running = this.inFlight.get(key);
			if (!running) {
				return;
			}
			await running.done;
		}
	}

	/** Replaces a plan's problems (Check Plan shows the ones it found too). */
	show(doc: Pick<vscode.TextDocument, 'uri' | 'positionAt'>, problems: readonly PlanProblem[]): void {
		this.diagnostics.set(doc.uri, planDiagnostics(doc, quiet(problems)));
	}

	private schedule(doc: vscode.TextDocument, delayMs: number): void {
		if (!isPlanUri(doc.uri) || doc.uri.scheme === 'output') {
			return;
		}
		const key = doc.uri.toString();
		clearTimeout(this.timers.get(key));
		this.timers.set(
			key,
			setTimeout(() => {
				this.timers.delete(key);
				void this.check(doc);
			}, delayMs),
		);
	}

	private forget(uri: vscode.Uri): void {
		const key = uri.toString();
		clearTimeout(this.timers.get(key));
		this.timers.delete(key);
		this.inFlight.get(key)?.abort.abort();
		this.inFlight.delete(key);
		this.diagnostics.delete(uri);
	}

	private async check(doc: vscode.TextDocument): Promise<void> {
		const key = doc.uri.toString();
		this.inFlight.get(key)?.abort.abort();
		const abort = new AbortController();
		let finish = (): void => undefined;
		const done = new Promise<void>((r) => (finish = r));
		this.inFlight.set(key, { abort, done });
		try {
			const version = doc.version;
			const { plan, problems } = parsePlan(doc.getText());
			// What the parser found shows at once; the names follow when they are resolved.
			this.show(doc, problems);
			if (!plan || problems.some((p) => p.severity === 'error')) {
				return;
			}
			if (!vscode.workspace.isTrusted) {
				// In a restricted workspace nothing is read on a plan's behalf until Check Plan is run.
				return;
			}
			let resolved: PlanProblem[];
			try {
				resolved = (await resolvePlan(plan, vscode.workspace.asRelativePath(doc.uri), this.directory(), abort.signal)).problems;
			} catch (e) {
				if (abort.signal.aborted) {
					return;
				}
				const error = e instanceof SdrsError ? e : new SdrsError(String(e), 'config');
				resolved = [{ code: 'unreadable', message: error.message, args: { what: 'groups', detail: error.message }, span: plan.project.span, severity: 'warning' }];
			}
			if (abort.signal.aborted || doc.isClosed || doc.version !== version) {
				return;
			}
			this.show(doc, [...problems, ...resolved]);
		} catch (e) {
			this.log.warn(`Checking the plan ${doc.uri.path}: ${e instanceof Error ? e.message : String(e)}`);
		} finally {
			if (this.inFlight.get(key)?.abort === abort) {
				this.inFlight.delete(key);
			}
			finish();
		}
	}

	private async lenses(doc: vscode.TextDocument): Promise<vscode.CodeLens[]> {
		const registered = new Set((await vscode.commands.getCommands(true)).filter((id) => id === 'sdrs.drillPlan' || id === 'sdrs.runPlan'));
		const top = new vscode.Range(0, 0, 0, 0);
		return planLensCommands(vscode.workspace.isTrusted, registered).map((l) => new vscode.CodeLens(top, { title: l.title, command: l.command, arguments: [doc.uri] }));
	}
}
