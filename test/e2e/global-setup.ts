import type { TestProject } from 'vitest/node';
import { startServer, type RunningServer } from './server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    signInUrl: string;
    analystSignInUrl: string;
    outbox: string;
  }
}

let server: RunningServer | undefined;

/** One embedded server for the whole browser run; the test files take turns on it. */
export async function setup(project: TestProject): Promise<void> {
  server = await startServer();
  project.provide('baseUrl', server.baseUrl);
  project.provide('signInUrl', server.signInUrl);
  project.provide('analystSignInUrl', server.analystSignInUrl);
  project.provide('outbox', server.outbox);
}

export async function teardown(): Promise<void> {
  await server?.stop();
}
