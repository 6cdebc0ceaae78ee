// A plan file read as untrusted input: parsed with positions (json.ts), then checked field by field
// against the plan's rules. Every problem says where it is (the Problems panel shows its line) and
// has a code the UI words; a plan with any error has no `plan`, so nothing can run from it. The
// JSON schema in schemas/sdrs-plan.schema.json states the same rules for the editor's completion
// and validation (a unit test keeps the two in step); this file is the authority at run time.
import { parseJson, JsonSyntaxError, type JsonNode, type JsonProperty } from './json';
import type { Named, Plan, PlanProblem, PlanProblemCode, PlanStep, Span } from './types';

export const PLAN_LIMITS = { name: 120, description: 2000, steps: 50, groupsPerStep: 200, waitSeconds: 3600, text: 1000 } as const;

/** The top-level fields a plan may have ($schema is the editor's, and ignored). */
export const PLAN_FIELDS = ['$schema', 'name', 'description', 'profile', 'project', 'steps'] as const;
/** The fields a step may have: a name and exactly one of the kinds. */
export const STEP_FIELDS = ['name', 'groups', 'wait', 'prompt'] as const;
export const STEP_KINDS = ['groups', 'wait', 'prompt'] as const;

/** What a value should have been (`wrongType`'s `expected`); the UI words each. */
export type Expected = 'text' | 'steps' | 'groups';
const EXPECTED: Record<Expected, string> = { text: 'text', steps: 'a list of steps', groups: 'a list of protection group names or ids' };

const ENGLISH: Record<PlanProblemCode, (a: Record<string, string | number>) => string> = {
	syntax: (a) => `Not valid JSON: ${a.detail}`,
	notObject: (a) => `"${a.field}" must be an object.`,
	missing: (a) => `"${a.field}" is required.`,
	unknownField: (a) => `Unknown property "${a.field}": a plan names only groups and words.`,
	duplicateField: (a) => `"${a.field}" is written twice.`,
	wrongType: (a) => `"${a.field}" must be ${EXPECTED[a.expected as Expected]}.`,
	empty: (a) => `"${a.field}" must not be empty.`,
	tooLong: (a) => `"${a.field}" is longer than ${a.max} ${a.unit === 'steps' ? 'steps' : 'characters'}.`,
	stepKind: () => 'A step has exactly one of "groups", "wait" or "prompt".',
	waitRange: (a) => `"wait" is a whole number of seconds from 1 to ${a.max}.`,
	tooManyGroups: (a) => `A step switches at most ${a.max} groups.`,
	duplicateGroup: (a) => `"${a.name}" is already in step ${a.step}: a group is switched once per plan.`,
	unknownProfile: (a) => `No profile is named "${a.name}".`,
	unknownProject: (a) => `The profile sees no project "${a.name}".`,
	unknownGroup: (a) => `Project ${a.project} has no protection group "${a.name}".`,
	ambiguousGroup: (a) => `${a.count} protection groups of ${a.project} are named "${a.name}": name it by its id.`,
	unreadable: (a) => `Could not read the ${a.what} (the names were not checked): ${a.detail}`,
};

export function problem(code: PlanProblemCode, span: Span, args: Record<string, string | number> = {}, severity: PlanProblem['severity'] = 'error'): PlanProblem {
	return { code, message: ENGLISH[code](args), args, span, severity };
}

const spanOf = (n: { offset: number; length: number }): Span => ({ offset: n.offset, length: n.length });
const keySpan = (p: JsonProperty): Span => ({ offset: p.keyOffset, length: p.keyLength });

/** Words from a file: trimmed, with control and bidirectional formatting characters removed. */
function clean(s: string): string {
	// eslint-disable-next-line no-control-regex
	return s.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, ' ').trim();
}

/** Parses and checks a plan file's text. `plan` is set only when there is no error. */
export function parsePlan(text: string): { plan?: Plan; problems: PlanProblem[] } {
	let root: JsonNode;
	try {
		root = parseJson(text);
	} catch (e) {
		const offset = e instanceof JsonSyntaxError ? e.offset : 0;
		return { problems: [problem('syntax', { offset, length: 1 }, { detail: e instanceof Error ? e.message : String(e) })] };
	}
	const problems: PlanProblem[] = [];
	if (root.type !== 'object') {
		return { problems: [problem('notObject', spanOf(root), { field: 'plan' })] };
	}
	const fields = new Map<string, JsonProperty>();
	for (const p of root.properties) {
		if (!(PLAN_FIELDS as readonly string[]).includes(p.key)) {
			problems.push(problem('unknownField', keySpan(p), { field: p.key }));
		} else if (fields.has(p.key)) {
			problems.push(problem('duplicateField', keySpan(p), { field: p.key }));
		} else {
			fields.set(p.key, p);
		}
	}
	const text_ = (key: string, max: number, required: boolean): Named | undefined => {
		const p = fields.get(key);
		if (!p) {
			if (required) {
				problems.push(problem('missing', { offset: root.offset, length: 1 }, { field: key }));
			}
			return undefined;
		}
		return words(p.value, key, max, problems);
	};
	const name = text_('name', PLAN_LIMITS.name, true);
	const description = text_('description', PLAN_LIMITS.description, false);
	const profile = text_('profile', PLAN_LIMITS.name, false);
	const project = text_('project', PLAN_LIMITS.name, true);
	const steps = readSteps(fields.get('steps'), root, problems);
	if (problems.some((p) => p.severity === 'error') || !name || !project || !steps) {
		return { problems };
	}
	return { plan: { name: name.value, ...(description ? { description: description.value } : {}), ...(profile ? { profile } : {}), project, steps }, problems };
}

function words(node: JsonNode, field: string, max: number, problems: PlanProblem[]): Named | undefined {
	if (node.type !== 'string') {
		problems.push(problem('wrongType', spanOf(node), { field, expected: 'text' satisfies Expected }));
		return undefined;
	}
	const value = clean(node.value);
	if (!value) {
		problems.push(problem('empty', spanOf(node), { field }));
		return undefined;
	}
	if (value.length > max) {
		problems.push(problem('tooLong', spanOf(node), { field, max, unit: 'characters' }));
		return undefined;
	}
	return { value, span: spanOf(node) };
}

function readSteps(p: JsonProperty | undefined, root: JsonNode, problems: PlanProblem[]): PlanStep[] | undefined {
	if (!p) {
		problems.push(problem('missing', { offset: root.offset, length: 1 }, { field: 'steps' }));
		return undefined;
	}
	if (p.value.type !== 'array') {
		problems.push(problem('wrongType', spanOf(p.value), { field: 'steps', expected: 'steps' satisfies Expected }));
		return undefined;
	}
	if (p.value.items.length === 0) {
		problems.push(problem('empty', spanOf(p.value), { field: 'steps' }));
		return undefined;
	}
	if (p.value.items.length > PLAN_LIMITS.steps) {
		problems.push(problem('tooLong', keySpan(p), { field: 'steps', max: PLAN_LIMITS.steps, unit: 'steps' }));
		return undefined;
	}
	const seen = new Map<string, number>();
	const steps = p.value.items.map((item, i) => readStep(item, i + 1, seen, problems));
	return steps.every((s): s is PlanStep => !!s) ? steps : undefined;
}

function readStep(node: JsonNode, index: number, seen: Map<string, number>, problems: PlanProblem[]): PlanStep | undefined {
	if (node.type !== 'object') {
		problems.push(problem('notObject', spanOf(node), { field: `steps[${index}]` }));
		return undefined;
	}
	const before = problems.length;
	const fields = new Map<string, JsonProperty>();
	for (const p of node.properties) {
		if (!(STEP_FIELDS as readonly string[]).includes(p.key)) {
			problems.push(problem('unknownField', keySpan(p), { field: p.key }));
		} else if (fields.has(p.key)) {
			problems.push(problem('duplicateField', keySpan(p), { field: p.key }));
		} else {
			fields.set(p.key, p);
		}
	}
	const kinds = STEP_KINDS.filter((k) => fields.has(k));
	if (kinds.length !== 1) {
		problems.push(problem('stepKind', kinds.length ? keySpan(fields.get(kinds[1])!) : { offset: node.offset, length: 1 }));
		return undefined;
	}
	const labelField = fields.get('name');
	const label = labelField ? words(labelField.value, `steps[${index}].name`, PLAN_LIMITS.name, problems)?.value : undefined;
	const span = spanOf(node);
	const kind = kinds[0];
	const v = fields.get(kind)!.value;
	let step: PlanStep | undefined;
	if (kind === 'wait') {
		if (v.type !== 'number' || !Number.isInteger(v.value) || v.value < 1 || v.value > PLAN_LIMITS.waitSeconds) {
			problems.push(problem('waitRange', spanOf(v), { max: PLAN_LIMITS.waitSeconds }));
		} else {
			step = { kind, seconds: v.value, span };
		}
	} else if (kind === 'prompt') {
		const text = words(v, `steps[${index}].prompt`, PLAN_LIMITS.text, problems);
		step = text && { kind, text: text.value, span };
	} else {
		step = readGroups(v, index, seen, problems, span);
	}
	if (!step || problems.length > before) {
		return undefined;
	}
	return label ? { ...step, label } : step;
}

function readGroups(v: JsonNode, index: number, seen: Map<string, number>, problems: PlanProblem[], span: Span): PlanStep | undefined {
	if (v.type !== 'array') {
		problems.push(problem('wrongType', spanOf(v), { field: `steps[${index}].groups`, expected: 'groups' satisfies Expected }));
		return undefined;
	}
	if (v.items.length === 0) {
		problems.push(problem('empty', spanOf(v), { field: `steps[${index}].groups` }));
		return undefined;
	}
	if (v.items.length > PLAN_LIMITS.groupsPerStep) {
		problems.push(problem('tooManyGroups', spanOf(v), { max: PLAN_LIMITS.groupsPerStep }));
		return undefined;
	}
	const groups: Named[] = [];
	for (const item of v.items) {
		const g = words(item, `steps[${index}].groups`, PLAN_LIMITS.name, problems);
		if (!g) {
			continue;
		}
		const step = seen.get(g.value);
		if (step !== undefined) {
			problems.push(problem('duplicateGroup', g.span, { name: g.value, step }));
			continue;
		}
		seen.set(g.value, index);
		groups.push(g);
	}
	return { kind: 'groups', groups, span };
}
