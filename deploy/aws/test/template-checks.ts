// Reading a synthesized template the way the tests need: its resources by type, the IAM statements that
// grant Connect API access, and references from one resource to another.

export type Json = Record<string, unknown>;
export interface Resource {
  Type: string;
  Condition?: string;
  Properties?: Json;
}
export interface TemplateJson {
  Parameters: Record<string, Json>;
  Conditions: Record<string, unknown>;
  Rules: Record<string, Json>;
  Resources: Record<string, Resource>;
  Outputs: Record<string, Json>;
}

export function ofType(template: TemplateJson, type: string): [string, Resource][] {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}

export const list = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

/** Every statement of every inline policy and role policy in the template. */
export function statements(template: TemplateJson): Statement[] {
  const found: Statement[] = [];
  for (const [, r] of ofType(template, 'AWS::IAM::Policy'))
    found.push(...((r.Properties!.PolicyDocument as Json).Statement as Statement[]));
  for (const [, r] of ofType(template, 'AWS::IAM::Role'))
    for (const policy of (r.Properties?.Policies as Json[] | undefined) ?? [])
      found.push(...((policy.PolicyDocument as Json).Statement as Statement[]));
  return found;
}

const CONNECT_ACTION = /^connect:/i;
const GRANTED = [
  {
    action: 'connect:DescribeUser',
    resource: { 'Fn::Join': ['', [{ Ref: 'ConnectInstanceArn' }, '/agent/*']] },
  },
  {
    action: 'connect:GetContactAttributes',
    resource: { 'Fn::Join': ['', [{ Ref: 'ConnectInstanceArn' }, '/contact/*']] },
  },
];

/**
 * What is wrong with the template's Connect API access, in sentences; empty when it is exactly the two
 * look-ups, each on its own resource type of the one instance. Catches a wider action (connect:*,
 * another action), a wider resource (*, the whole instance), a managed policy, a Deny-less widening.
 */
export function connectAccessProblems(template: TemplateJson): string[] {
  const problems: string[] = [];
  const connectStatements = statements(template).filter((s) =>
    list(s.Action).some((a) => CONNECT_ACTION.test(a) || a === '*'),
  );
  for (const s of connectStatements) {
    const actions = list(s.Action);
    const resources = list(s.Resource);
    const grant = GRANTED.find((g) => actions.length === 1 && actions[0] === g.action);
    if (!grant) {
      problems.push(`a statement grants ${actions.join(', ')}`);
      continue;
    }
    if (resources.some((r) => r === '*')) problems.push(`${grant.action} is granted on *`);
    if (JSON.stringify(resources) !== JSON.stringify([grant.resource]))
      problems.push(`${grant.action} is granted on ${JSON.stringify(resources)}`);
  }
  for (const g of GRANTED) {
    const count = connectStatements.filter((s) => list(s.Action).includes(g.action)).length;
    if (count !== 1) problems.push(`${g.action} is granted ${count} times, expected once`);
  }
  for (const [id, role] of ofType(template, 'AWS::IAM::Role')) {
    const managed = JSON.stringify(role.Properties?.ManagedPolicyArns ?? []);
    const names = [...managed.matchAll(/:iam::aws:policy\/([^"]+)/g)].map((m) => m[1]);
    for (const name of names)
      if (name !== 'service-role/AWSLambdaBasicExecutionRole')
        problems.push(`${id} has managed policy ${name}`);
  }
  return problems;
}

/** The logical ids a value refers to with Ref or Fn::GetAtt, outside Fn::If (which may name absent ones). */
export function referencesIn(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) referencesIn(v, into);
  else if (value && typeof value === 'object') {
    const object = value as Json;
    if (typeof object.Ref === 'string') into.add(object.Ref);
    const getAtt = object['Fn::GetAtt'];
    if (Array.isArray(getAtt)) into.add(String(getAtt[0]));
    for (const [key, v] of Object.entries(object)) if (key !== 'Fn::If') referencesIn(v, into);
  }
  return into;
}

/**
 * Resources (and outputs) that refer to a conditional resource under another condition: CloudFormation
 * refuses such a template for the parameter values that leave the referenced resource out.
 */
export function danglingReferences(template: TemplateJson): string[] {
  const problems: string[] = [];
  const check = (id: string, condition: string | undefined, value: unknown) => {
    for (const target of referencesIn(value)) {
      const referenced = template.Resources[target];
      if (referenced?.Condition && referenced.Condition !== condition)
        problems.push(`${id} (${condition ?? 'always'}) refers to ${target} (${referenced.Condition})`);
    }
  };
  for (const [id, r] of Object.entries(template.Resources)) check(id, r.Condition, r);
  for (const [id, o] of Object.entries(template.Outputs))
    check(id, o.Condition as string | undefined, o.Value);
  return problems;
}

/** EventBridge pattern matching for the two forms the stack uses: exact values and `prefix`. */
export function matches(pattern: Json, event: Json): boolean {
  return Object.entries(pattern).every(([key, allowed]) => {
    const value = event[key];
    if (!Array.isArray(allowed)) return matches(allowed as Json, (value ?? {}) as Json);
    return allowed.some((a) =>
      typeof a === 'object' && a !== null && 'prefix' in a
        ? typeof value === 'string' && value.startsWith(String((a as Json).prefix))
        : a === value,
    );
  });
}
