import { describe, expect, it } from 'vitest';
import { JOB_ENV } from '../../infra/jobs.js';
import { logicalIdAt, synthStack } from './synth.js';

const { stack, template } = synthStack();
const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: any }>;
const runnerId = logicalIdAt(stack, 'Jobs/Runner');
const staff = resources[logicalIdAt(stack, 'Api/Staff')]!.Properties;
const policyOf = (roleId: string) => Object.values(resources)
  .filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((x: any) => x.Ref === roleId))
  .flatMap((r) => r.Properties.PolicyDocument.Statement);
const allows = (roleId: string, action: string) => policyOf(roleId).filter((s: any) => [s.Action].flat().includes(action));

describe('jobs and schedules', () => {
  it('gives a job up to 15 minutes a slice and parks it in a dead-letter queue after two retries', () => {
    expect(resources[runnerId]!.Properties.Timeout).toBe(900);
    const config = Object.values(resources).find((r) => r.Type === 'AWS::Lambda::EventInvokeConfig')!.Properties;
    expect(config).toMatchObject({ FunctionName: { Ref: runnerId }, MaximumRetryAttempts: 2 });
    expect(config.DestinationConfig.OnFailure.Destination['Fn::GetAtt'][0]).toBe(logicalIdAt(stack, 'Jobs/DeadLetters'));
  });

  it('lets the job runner invoke itself to resume where it stopped', () => {
    const self = allows(logicalIdAt(stack, 'Jobs/RunnerRole'), 'lambda:InvokeFunction');
    expect(JSON.stringify(self)).toContain(`function:${resources[runnerId]!.Properties.FunctionName}`);
  });

  it('tells the staff function which schedule group, role and target to schedule wave transitions with', () => {
    expect(staff.Environment.Variables).toMatchObject({
      [JOB_ENV.scheduleGroup]: resources[logicalIdAt(stack, 'Jobs/Waves')]!.Properties.Name,
      [JOB_ENV.scheduleRoleArn]: { 'Fn::GetAtt': [logicalIdAt(stack, 'Jobs/SchedulerRole'), 'Arn'] },
      [JOB_ENV.functionArn]: { 'Fn::GetAtt': [runnerId, 'Arn'] },
    });
  });

  it('lets the staff function create schedules only in this stack\'s group, passing only the scheduler role', () => {
    const staffRole = logicalIdAt(stack, 'Api/StaffRole');
    const create = allows(staffRole, 'scheduler:CreateSchedule');
    expect(JSON.stringify(create.map((s: any) => s.Resource))).toContain(':schedule/Baseline-waves/*');
    const pass = allows(staffRole, 'iam:PassRole');
    expect(pass.map((s: any) => s.Resource)).toEqual([{ 'Fn::GetAtt': [logicalIdAt(stack, 'Jobs/SchedulerRole'), 'Arn'] }]);
  });

  it('lets EventBridge Scheduler, and only it, invoke the job runner through the scheduler role', () => {
    const role = resources[logicalIdAt(stack, 'Jobs/SchedulerRole')]!.Properties;
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([expect.objectContaining({
      Principal: { Service: 'scheduler.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
    })]);
    const invoke = allows(logicalIdAt(stack, 'Jobs/SchedulerRole'), 'lambda:InvokeFunction');
    expect(invoke.map((s: any) => s.Resource)).toEqual([{ 'Fn::GetAtt': [runnerId, 'Arn'] }]);
  });
});
