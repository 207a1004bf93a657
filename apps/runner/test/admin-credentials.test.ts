// The admin API is opened by the Bearer ADMIN_TOKEN or the dashboard's session cookie, and a write by cookie
// must say application/json (a cross-site form cannot). Which rule applies is decided by the credential that
// actually signed the request in, not by whether some Authorization header is present.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, signInCookie, startTestRunner, type TestRunner } from './helpers/runner.js';

describe('admin writes: the credential that signed the request in decides', () => {
  let t: TestRunner;
  let cookie: string;
  beforeAll(async () => {
    t = await startTestRunner();
    ({ cookie } = await signInCookie(t.runner.url));
  });
  afterAll(() => t.close());

  const resume = (headers: Record<string, string>) =>
    fetch(`${t.runner.url}/admin/resume`, { method: 'POST', headers, body: 'resume' });

  it('refuses a cookie write that is not JSON even when an Authorization header that is no Bearer token comes along', async () => {
    const res = await resume({ cookie, authorization: 'x', 'content-type': 'text/plain' });
    expect(res.status).toBe(415);
    expect(await res.json()).toEqual({
      error: 'admin writes from the dashboard must be JSON (content-type: application/json)',
    });
  });

  it('refuses it with a Basic credential alongside the cookie too', async () => {
    const res = await resume({
      cookie,
      authorization: 'Basic YWRtaW46YWRtaW4=',
      'content-type': 'text/plain',
    });
    expect(res.status).toBe(415);
  });

  it('takes a cookie write that says application/json, whatever Authorization header comes along', async () => {
    const res = await resume({ cookie, authorization: 'x', 'content-type': 'application/json' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ resumed: true, wasPaused: null });
  });

  it('takes a Bearer write of any declared type (API clients such as curl -d declare a form)', async () => {
    const res = await resume({ authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'text/plain' });
    expect(res.status).toBe(200);
  });

  it('refuses a wrong Bearer token even with a valid cookie', async () => {
    const res = await resume({
      cookie,
      authorization: 'Bearer not-the-admin-token',
      'content-type': 'application/json',
    });
    expect(res.status).toBe(401);
  });
});
