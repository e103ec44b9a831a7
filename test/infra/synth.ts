import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { BaselineStack } from '../../infra/baseline-stack.ts';
import { readConfig } from '../../infra/config.ts';
import { acknowledgeFindings } from '../../infra/nag.ts';

export const TEST_CONTEXT = { mailFrom: 'surveys@example.org', webDist: 'test/infra/no-web-build-here' };

/**
 * Synthesize the stack the way `infra/app.ts` does, from context values, without bundling the
 * functions (esbuild is the bench's business, not the template's) and, unless asked, without
 * CDK's built-in CloudFormation validation (4 s per process; nag.test.ts runs it once). Call once
 * per test file.
 */
export function synthStack(context: Record<string, unknown> = {}, { validate = false } = {}): { stack: BaselineStack; template: Template } {
  const values: Record<string, unknown> = { ...TEST_CONTEXT, ...context };
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: validate });
  const stack = new BaselineStack(app, 'Baseline', { config: readConfig((key) => values[key]) });
  acknowledgeFindings(stack);
  return { stack, template: Template.fromStack(stack) };
}

/** The logical id of the resource at a construct path below the stack, e.g. `Api/Respond`. */
export function logicalIdAt(stack: BaselineStack, path: string): string {
  const construct = stack.node.findChild(path.split('/')[0]!);
  const node = path
    .split('/')
    .slice(1)
    .reduce((c, id) => c.node.findChild(id), construct);
  const resource = node.node.defaultChild ?? node;
  return stack.getLogicalId(resource as never);
}
