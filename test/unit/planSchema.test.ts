// The JSON schema VS Code validates plan files with (schemas/sdrs-plan.schema.json) and the parser
// the extension trusts (core/plans/parse.ts) say the same thing: the same limits (PLAN_LIMITS),
// the same required properties, the same properties and nothing else; and the manifest contributes
// the schema, the file association and ships the schema in the .vsix.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { PLAN_LIMITS, parsePlan } from '../../src/core/plans/parse';

interface Schema {
	$schema: string;
	type: string;
	required: string[];
	additionalProperties: boolean;
	properties: Record<string, { type: string; minLength?: number; maxLength?: number; minItems?: number; maxItems?: number; items?: { $ref?: string } }>;
	definitions: {
		step: {
			additionalProperties: boolean;
			properties: Record<string, { type: string; minLength?: number; maxLength?: number; minItems?: number; maxItems?: number; minimum?: number; maximum?: number; uniqueItems?: boolean }>;
			oneOf: { required: string[] }[];
		};
	};
}

const schema = JSON.parse(readFileSync('schemas/sdrs-plan.schema.json', 'utf8')) as Schema;
const step = schema.definitions.step;
const valid = (): Record<string, unknown> => ({
	name: 'Shop',
	description: 'd',
	profile: 'Demo (simulated)',
	project: 'la-south-2',
	steps: [{ name: 'Databases', groups: ['shop-db-1'] }, { prompt: 'Go on?' }, { wait: 30 }],
});
const codes = (plan: unknown): string[] => parsePlan(JSON.stringify(plan, null, 2)).problems.map((p) => p.code);

describe('the plan schema agrees with the parser', () => {
	it('is draft-07 and closed at every level', () => {
		assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
		assert.equal(schema.type, 'object');
		assert.equal(schema.additionalProperties, false);
		assert.equal(step.additionalProperties, false);
		assert.equal(schema.properties.steps.items?.$ref, '#/definitions/step');
	});

	it('has the limits of PLAN_LIMITS', () => {
		assert.deepEqual([schema.properties.name.minLength, schema.properties.name.maxLength], [1, PLAN_LIMITS.name]);
		assert.equal(schema.properties.description.maxLength, PLAN_LIMITS.description);
		assert.deepEqual([schema.properties.steps.minItems, schema.properties.steps.maxItems], [1, PLAN_LIMITS.steps]);
		assert.deepEqual([step.properties.name.minLength, step.properties.name.maxLength], [1, PLAN_LIMITS.name]);
		assert.deepEqual([step.properties.groups.minItems, step.properties.groups.maxItems, step.properties.groups.uniqueItems], [1, PLAN_LIMITS.groupsPerStep, true]);
		assert.deepEqual([step.properties.wait.type, step.properties.wait.minimum, step.properties.wait.maximum], ['integer', 1, PLAN_LIMITS.waitSeconds]);
		assert.deepEqual([step.properties.prompt.minLength, step.properties.prompt.maxLength], [1, PLAN_LIMITS.text]);
	});

	it('the parser takes a plan with every property the schema has, and refuses one the schema lacks', () => {
		assert.deepEqual(codes({ $schema: 'x', ...valid() }), []);
		assert.deepEqual(Object.keys(schema.properties).sort(), ['$schema', 'description', 'name', 'profile', 'project', 'steps']);
		assert.deepEqual(Object.keys(step.properties).sort(), ['groups', 'name', 'prompt', 'wait']);
		assert.ok(codes({ ...valid(), endpoint: 'https://evil.example' }).includes('unknownField'));
		assert.ok(codes({ ...valid(), steps: [{ groups: ['a'], command: 'x' }] }).includes('unknownField'));
	});

	it('requires what the schema requires, and exactly one kind per step', () => {
		for (const field of schema.required) {
			const plan = valid();
			delete plan[field];
			assert.ok(codes(plan).includes('missing'), `${field} is required by both`);
		}
		assert.deepEqual(schema.required.sort(), ['name', 'project', 'steps']);
		const plan = valid();
		delete plan.profile;
		delete plan.description;
		assert.deepEqual(codes(plan), [], 'profile and description are optional in both');
		assert.deepEqual(
			step.oneOf.map((o) => o.required),
			[['groups'], ['wait'], ['prompt']],
		);
		assert.ok(codes({ ...valid(), steps: [{ groups: ['a'], wait: 3 }] }).includes('stepKind'));
		assert.ok(codes({ ...valid(), steps: [{ name: 'only a name' }] }).includes('stepKind'));
	});

	it('the parser refuses one past each limit the schema states, and takes the limit itself', () => {
		const at = (patch: Record<string, unknown>): string[] => codes({ ...valid(), ...patch });
		assert.deepEqual(at({ name: 'n'.repeat(PLAN_LIMITS.name) }), []);
		assert.ok(at({ name: 'n'.repeat(PLAN_LIMITS.name + 1) }).length > 0);
		assert.deepEqual(at({ description: 'd'.repeat(PLAN_LIMITS.description) }), []);
		assert.ok(at({ description: 'd'.repeat(PLAN_LIMITS.description + 1) }).length > 0);
		assert.deepEqual(at({ steps: Array.from({ length: PLAN_LIMITS.steps }, () => ({ wait: 1 })) }), []);
		assert.ok(at({ steps: Array.from({ length: PLAN_LIMITS.steps + 1 }, () => ({ wait: 1 })) }).length > 0);
		assert.deepEqual(at({ steps: [{ groups: Array.from({ length: PLAN_LIMITS.groupsPerStep }, (_, i) => `g${i}`) }] }), []);
		assert.ok(at({ steps: [{ groups: Array.from({ length: PLAN_LIMITS.groupsPerStep + 1 }, (_, i) => `g${i}`) }] }).length > 0);
		assert.deepEqual(at({ steps: [{ wait: PLAN_LIMITS.waitSeconds }] }), []);
		assert.ok(at({ steps: [{ wait: PLAN_LIMITS.waitSeconds + 1 }] }).length > 0);
		assert.ok(at({ steps: [{ wait: 0 }] }).length > 0);
		assert.ok(at({ steps: [{ wait: 1.5 }] }).length > 0, 'an integer in both');
		assert.deepEqual(at({ steps: [{ prompt: 'p'.repeat(PLAN_LIMITS.text) }] }), []);
		assert.ok(at({ steps: [{ prompt: 'p'.repeat(PLAN_LIMITS.text + 1) }] }).length > 0);
		assert.ok(at({ steps: [{ groups: ['a', 'a'] }] }).length > 0, 'unique groups in both');
		assert.ok(at({ steps: [{ groups: [] }] }).length > 0);
		assert.ok(at({ steps: [] }).length > 0);
		assert.ok(at({ name: '' }).length > 0);
	});

	it('the manifest validates *.sdrs-plan.json with it, opens it as JSON and ships it', () => {
		const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as {
			contributes: { jsonValidation: { fileMatch: string; url: string }[]; languages: { id: string; filenamePatterns?: string[] }[] };
		};
		assert.deepEqual(manifest.contributes.jsonValidation, [{ fileMatch: '*.sdrs-plan.json', url: './schemas/sdrs-plan.schema.json' }]);
		assert.ok(manifest.contributes.languages.some((l) => l.id === 'json' && l.filenamePatterns?.includes('*.sdrs-plan.json')));
		assert.match(readFileSync('.vscodeignore', 'utf8'), /^!schemas\/\*\*$/m);
	});
});
