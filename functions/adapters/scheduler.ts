/**
 * Waves open and close at their `opensAt` / `closesAt`. In the cloud each transition is a one-shot
 * EventBridge Scheduler schedule that invokes the job function with a `ScheduledTransition` and is
 * deleted by the scheduler once it fired. Schedule names derive from the wave and the transition,
 * so rescheduling replaces and cancelling needs nothing stored.
 */
import {
  ConflictException, CreateScheduleCommand, DeleteScheduleCommand, ResourceNotFoundException, UpdateScheduleCommand,
  type CreateScheduleCommandInput, type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import type { JobKind } from '../jobs/runner.ts';

/** What the job function receives when a schedule fires. */
export interface ScheduledTransition {
  scheduled: true;
  kind: JobKind;
  waveId: string;
}

export interface WaveScheduler {
  /** Run `kind` for the wave at `at` (an ISO 8601 instant); replaces an earlier schedule of the same transition. */
  schedule(waveId: string, kind: JobKind, at: string): Promise<void>;
  /** Forget a scheduled transition (the wave was opened or closed by hand, or deleted); no-op when none. */
  cancel(waveId: string, kind: JobKind): Promise<void>;
}

export interface EventBridgeSchedulerOptions {
  client: SchedulerClient;
  groupName: string;
  /** The job function's ARN and the role the scheduler assumes to invoke it. */
  targetArn: string;
  roleArn: string;
}

/** Whether a value is the event a wave schedule delivers (as opposed to a job request). */
export function isScheduledTransition(event: unknown): event is ScheduledTransition {
  return typeof event === 'object' && event !== null && (event as { scheduled?: unknown }).scheduled === true;
}

/** The schedule name for one transition of one wave (Scheduler allows [0-9a-zA-Z-_.], 64 characters). */
export function scheduleName(waveId: string, kind: JobKind): string {
  return `${kind}-${waveId.replace(/[^0-9a-zA-Z_.-]/g, '_')}`.slice(0, 64);
}

/** `at(yyyy-mm-ddThh:mm:ss)` in UTC, the one-shot expression Scheduler takes. */
export function atExpression(at: string): string {
  const time = new Date(at);
  if (Number.isNaN(time.getTime())) throw new Error(`not an instant: ${at}`);
  return `at(${time.toISOString().slice(0, 19)})`;
}

/** Wave transitions through EventBridge Scheduler. */
export function createEventBridgeScheduler(options: EventBridgeSchedulerOptions): WaveScheduler {
  const { client, groupName } = options;
  return {
    async schedule(waveId, kind, at) {
      const transition: ScheduledTransition = { scheduled: true, kind, waveId };
      const input: CreateScheduleCommandInput = {
        Name: scheduleName(waveId, kind),
        GroupName: groupName,
        ScheduleExpression: atExpression(at),
        ScheduleExpressionTimezone: 'UTC',
        FlexibleTimeWindow: { Mode: 'OFF' },
        ActionAfterCompletion: 'DELETE',
        Target: {
          Arn: options.targetArn,
          RoleArn: options.roleArn,
          Input: JSON.stringify(transition),
          RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 3600 },
        },
      };
      try {
        await client.send(new CreateScheduleCommand(input));
      } catch (error) {
        if (!(error instanceof ConflictException)) throw error;
        await client.send(new UpdateScheduleCommand(input));
      }
    },
    async cancel(waveId, kind) {
      try {
        await client.send(new DeleteScheduleCommand({ Name: scheduleName(waveId, kind), GroupName: groupName }));
      } catch (error) {
        if (!(error instanceof ResourceNotFoundException)) throw error;
      }
    },
  };
}
