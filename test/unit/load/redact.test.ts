import { describe, expect, it } from 'vitest';
import {
  credentialsFromUrl,
  isSensitiveHeader,
  REDACTED,
  redactHeaders,
  redactTarget,
  redactUrl,
} from '../../../src/load/redact.ts';
import { redactResult } from '../../../src/run/redact-result.ts';
import { buildSampleResult } from '../analysis/build-sample-result.ts';

describe('credentials never shown (issue 11)', () => {
  it('knows the usual credential headers, by name and by fragment', () => {
    for (const h of [
      'Authorization',
      'proxy-authorization',
      'Cookie',
      'set-cookie',
      'X-API-Key',
      'x-auth-token',
    ])
      expect(isSensitiveHeader(h), h).toBe(true);
    for (const h of ['x-session-id', 'x-client-secret', 'private-token', 'x-password'])
      expect(isSensitiveHeader(h), h).toBe(true);
    for (const h of ['x-tenant', 'accept', 'content-type', 'x-meshbench-source-namespace'])
      expect(isSensitiveHeader(h), h).toBe(false);
  });

  it('redacts header values and URL user-info, leaving the rest', () => {
    expect(redactHeaders({ authorization: 'Bearer abc', 'x-tenant': 'ns-1' })).toEqual({
      authorization: REDACTED,
      'x-tenant': 'ns-1',
    });
    expect(redactUrl('http://user:secret@127.0.0.1:8080/p?q=1')).toBe(
      `http://${REDACTED}@127.0.0.1:8080/p?q=1`,
    );
    expect(redactUrl('http://127.0.0.1:8080/a@b')).toBe('http://127.0.0.1:8080/a@b');
    const t = { url: 'http://u:p@h/', headers: { cookie: 'c=1' }, rate: 5 };
    expect(redactTarget(t)).toEqual({ url: `http://${REDACTED}@h/`, headers: { cookie: REDACTED }, rate: 5 });
    expect(t.headers.cookie).toBe('c=1'); // the original is untouched
  });

  it('turns URL user-info into Basic auth, and the URL loses it', () => {
    expect(credentialsFromUrl('http://user:s%40cret@127.0.0.1:9/x')).toEqual({
      url: 'http://127.0.0.1:9/x',
      authorization: `Basic ${Buffer.from('user:s@cret').toString('base64')}`,
    });
    expect(credentialsFromUrl('http://127.0.0.1:9/x')).toEqual({ url: 'http://127.0.0.1:9/x' });
    expect(credentialsFromUrl('not a url')).toEqual({ url: 'not a url' });
  });

  it("a run's record keeps no credential: plan tenants and every schedule", () => {
    const r = buildSampleResult();
    r.plan.tenants[0].headers = { authorization: 'Bearer s3cret', 'x-tenant': 'ns-1' };
    r.variants[0].tenants[0].load.schedule.headers = { cookie: 'session=s3cret' };
    r.variants[0].tenants[0].load.schedule.url = 'http://me:s3cret@127.0.0.1:1/';
    const text = JSON.stringify(redactResult(r));
    expect(text).not.toContain('s3cret');
    expect(text).toContain('"x-tenant":"ns-1"');
    expect(JSON.stringify(r)).toContain('s3cret'); // the run itself still sends them
  });
});
