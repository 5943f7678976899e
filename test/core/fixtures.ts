import fs from 'node:fs';
import { parsePolicy, type Policy } from '../../src/core/policy.js';

export const policyJson = JSON.parse(fs.readFileSync(new URL('../../data/policy.json', import.meta.url), 'utf8'));
export const policy: Policy = parsePolicy(policyJson);

/** A copy of the shipped policy with some fields changed. */
export function policyWith(change: (json: any) => void): Policy {
  const copy = structuredClone(policyJson);
  change(copy);
  return parsePolicy(copy);
}
