import { beforeEach, describe, expect, it } from 'vitest';
import { Session } from '../../web/dashboard/lib/session.svelte.ts';
import { aStaffToken } from './dashboard-harness.ts';

const expiredToken = () => {
  const encode = (value: object) => btoa(JSON.stringify(value)).replace(/=+$/, '');
  return `${encode({ alg: 'RS256' })}.${encode({ sub: 'old', roles: ['admin'], exp: 1_000 })}.sig`;
};

beforeEach(() => sessionStorage.clear());

describe('staff session', () => {
  it('keeps a signed-in token for this tab across a reload, with its roles', () => {
    const first = new Session(sessionStorage);
    expect(first.signInWith(aStaffToken(['analyst']))).toBe(true);
    const reloaded = new Session(sessionStorage);
    expect(reloaded.token).toBe(first.token);
    expect(reloaded.roles).toEqual(['analyst']);
    expect(reloaded.isAdmin).toBe(false);
  });

  it('refuses a paste that is not a token and forgets an expired one', () => {
    const session = new Session(sessionStorage);
    expect(session.signInWith('hello')).toBe(false);
    expect(session.token).toBeNull();
    sessionStorage.setItem('baseline.staffToken', expiredToken());
    expect(new Session(sessionStorage).token).toBeNull();
  });

  it('signs out for good', () => {
    const session = new Session(sessionStorage);
    session.signInWith(aStaffToken());
    session.signOut();
    expect(new Session(sessionStorage).token).toBeNull();
  });
});
