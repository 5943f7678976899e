/** A policy file written before a section existed (another school's) still loads, with the shipped defaults. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SIMILARITY_JSON, parsePolicy } from '../../src/core/policy.js';
import { repoRoot } from '../helpers/cli.js';

const shipped = JSON.parse(fs.readFileSync(path.join(repoRoot, 'data', 'policy.json'), 'utf8')) as Record<string, any>;

describe('policy defaults', () => {
  it('a policy without an essays section takes the similarity settings data/policy.json ships', () => {
    const { essays: _drop, ...older } = shipped;
    expect(parsePolicy(older).similarity).toEqual(parsePolicy(shipped).similarity);
    const { $comment: _c, ...settings } = shipped.essays.similarity;
    expect(settings).toEqual(DEFAULT_SIMILARITY_JSON);
  });
});
