import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { synthStack } from './synth.ts';

const configurations = {
  'the defaults': {},
  'a custom domain, SAML federation and an alarm address': {
    domainName: 'survey.example.org',
    certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc',
    federation: { type: 'saml', name: 'EntraID', metadataUrl: 'https://login.example.org/metadata.xml' },
    alarmEmail: 'oncall@example.org',
    webDist: (() => {
      const dir = mkdtempSync(join(tmpdir(), 'baseline-web-'));
      writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Baseline</title>');
      return dir;
    })(),
  },
};

describe('cdk-nag AwsSolutions', () => {
  it.each(Object.entries(configurations))('finds nothing unacknowledged with %s', (_name, context) => {
    const { stack } = synthStack(context);
    const report = new AwsSolutionsChecks().validateScope(stack);
    expect(report.violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.resourceLogicalId).join(',')}`)).toEqual([]);
    expect(report.success).toBe(true);
  });

  it("passes CDK's CloudFormation validation (no dependency cycle, no invalid property)", () => {
    const { stack } = synthStack({}, { validate: true });
    const report = JSON.parse(readFileSync(join((stack.node.root as App).outdir, 'validation-report.json'), 'utf8'));
    expect(report.pluginReports.flatMap((r: { violations: unknown[] }) => r.violations)).toEqual([]);
  });

  it('gives every acknowledgement a reason of its own', () => {
    const { stack } = synthStack();
    const reasons = stack.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
      .flatMap((m) => Object.values(m.data as Record<string, string>));
    expect(reasons.length).toBeGreaterThan(10);
    for (const reason of reasons) expect(String(reason).length).toBeGreaterThan(40);
  });
});
