import { describe, expect, it } from 'vitest';
import { serverForMessages } from '../../../../src/platform/kube/client.ts';

describe('serverForMessages', () => {
  it('never shows credentials carried in the server URL', () => {
    expect(serverForMessages('https://admin:s3cret@api.example:6443')).toBe('https://api.example:6443');
    expect(serverForMessages('https://api.example:6443/k8s/clusters/c-1')).toBe(
      'https://api.example:6443/k8s/clusters/c-1',
    );
    expect(serverForMessages('not a url//user:pw@host')).not.toContain('pw');
  });
});
