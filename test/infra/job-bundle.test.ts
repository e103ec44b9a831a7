import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { JOB_BUNDLE_FILES } from '../../infra/jobs.ts';

// Bundled as infra/baseline-function.ts bundles for Lambda (ESM, createRequire banner): the solver
// must load from the bundle's folder with only the files the job function declares beside it.
const out = mkdtempSync(join(tmpdir(), 'job-bundle-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

async function bundleSolverLoader(folder: string): Promise<string> {
  const file = join(folder, 'index.mjs');
  await build({
    entryPoints: ['functions/certify-solver.ts'],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    mainFields: ['module', 'main'],
    banner: { js: "import { createRequire as __createRequire } from 'module'; const require = __createRequire(import.meta.url);" },
    outfile: file,
    logLevel: 'silent',
  });
  return file;
}

describe('the job function bundle', () => {
  it('loads the audit solver from its own folder when the declared files sit beside it, and not without them', async () => {
    const bare = mkdtempSync(join(out, 'bare-'));
    const withFiles = mkdtempSync(join(out, 'with-'));
    for (const file of JOB_BUNDLE_FILES) copyFileSync(file, join(withFiles, basename(file)));
    const load = async (folder: string) => (await import(await bundleSolverLoader(folder))).loadMilpSolver();
    await expect(load(bare)).rejects.toThrow(/highs\.wasm/);
    const solver = await load(withFiles);
    expect(solver.solve('Minimize\n obj: x\nSubject To\n c: x >= 2\nGeneral\n x\nEnd\n', { timeLimitSeconds: 5 })).toMatchObject({ status: 'feasible' });
  }, 60_000);
});

describe('the synthesized job function', () => {
  it('carries the declared files beside its bundle', async () => {
    const { App } = await import('aws-cdk-lib');
    const { BaselineStack } = await import('../../infra/baseline-stack.ts');
    const { readConfig } = await import('../../infra/config.ts');
    const { TEST_CONTEXT, logicalIdAt } = await import('./synth.ts');
    const values: Record<string, unknown> = { ...TEST_CONTEXT };
    // Bundling on, as `cdk deploy` does (local esbuild, no Docker).
    const app = new App({ outdir: join(out, 'cdk.out'), context: { 'aws:cdk:bundling-stacks': ['**'] }, builtinCloudFormationValidation: false });
    const stack = new BaselineStack(app, 'Baseline', { config: readConfig((key) => values[key]) });
    const assembly = app.synth();
    const template = assembly.getStackByName(stack.stackName).template as { Resources: Record<string, { Properties: { Code: { S3Key: string } } }> };
    // The code asset's S3 key is its hash; the assembly keeps the bundled folder as asset.<hash>.
    const hash = template.Resources[logicalIdAt(stack, 'Jobs/Runner')]!.Properties.Code.S3Key.replace(/\.zip$/, '');
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(join(assembly.directory, `asset.${hash}`))).toEqual(
      expect.arrayContaining(['index.mjs', ...JOB_BUNDLE_FILES.map((file) => basename(file))]),
    );
  }, 120_000);
});
