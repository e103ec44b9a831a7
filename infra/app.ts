import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { BaselineStack } from './baseline-stack.ts';
import { readConfig } from './config.ts';
import { acknowledgeFindings } from './nag.ts';

/**
 * The CDK app `cdk synth` / `cdk deploy` run: one stack, checked by cdk-nag's AwsSolutions pack on
 * every synth. The stack is environment-agnostic: it deploys to the account and region of the
 * caller's AWS profile, and synth needs no AWS access.
 */
const app = new App();
const stack = new BaselineStack(app, app.node.tryGetContext('stackName') ?? 'Baseline', {
  config: readConfig((key) => app.node.tryGetContext(key)),
});
acknowledgeFindings(stack);
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
