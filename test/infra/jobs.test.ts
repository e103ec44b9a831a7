import { describe, expect, it } from 'vitest';
import { DUE_TRANSITIONS_INPUT, JOB_ENV } from '../../infra/jobs.ts';
import { logicalIdAt, synthStack } from './synth.ts';

const { stack, template } = synthStack();
const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: any }>;
const runnerId = logicalIdAt(stack, 'Jobs/Runner');
const staff = resources[logicalIdAt(stack, 'Api/Staff')]!.Properties;
const policyOf = (roleId: string) =>
  Object.values(resources)
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

  it('runs one job at a time, so invitations never go out faster than the SES rate one process paces to', () => {
    expect(resources[runnerId]!.Properties.ReservedConcurrentExecutions).toBe(1);
  });

  it('lets the job runner invoke itself to resume where it stopped', () => {
    const self = allows(logicalIdAt(stack, 'Jobs/RunnerRole'), 'lambda:InvokeFunction');
    expect(JSON.stringify(self)).toContain(`function:${resources[runnerId]!.Properties.FunctionName}`);
  });

  it('lets the staff function start jobs, and tells it which function runs them', () => {
    expect(staff.Environment.Variables[JOB_ENV.functionName]).toEqual({ Ref: runnerId });
    const invoke = allows(logicalIdAt(stack, 'Api/StaffRole'), 'lambda:InvokeFunction');
    expect(invoke.map((s: any) => s.Resource)).toEqual([{ 'Fn::GetAtt': [runnerId, 'Arn'] }]);
  });

  it('asks the job runner every minute to open and close the waves that are due', () => {
    const schedule = Object.values(resources).find((r) => r.Type === 'AWS::Scheduler::Schedule')!.Properties;
    expect(schedule).toMatchObject({ ScheduleExpression: 'rate(1 minute)', State: 'ENABLED', FlexibleTimeWindow: { Mode: 'OFF' } });
    expect(schedule.Target.Arn).toEqual({ 'Fn::GetAtt': [runnerId, 'Arn'] });
    expect(JSON.parse(schedule.Target.Input)).toEqual(DUE_TRANSITIONS_INPUT);
    expect(schedule.Target.RoleArn).toEqual({ 'Fn::GetAtt': [logicalIdAt(stack, 'Jobs/SchedulerRole'), 'Arn'] });
  });

  it('lets EventBridge Scheduler, and only it, assume the role that invokes the job runner', () => {
    const role = resources[logicalIdAt(stack, 'Jobs/SchedulerRole')]!.Properties;
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([
      expect.objectContaining({
        Principal: { Service: 'scheduler.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      }),
    ]);
    const invoke = allows(logicalIdAt(stack, 'Jobs/SchedulerRole'), 'lambda:InvokeFunction');
    expect(JSON.stringify(invoke.map((s: any) => s.Resource))).toContain(runnerId);
    expect(policyOf(logicalIdAt(stack, 'Jobs/SchedulerRole')).flatMap((s: any) => [s.Action].flat())).toEqual(['lambda:InvokeFunction']);
  });
});
