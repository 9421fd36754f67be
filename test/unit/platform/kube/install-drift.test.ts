import { describe, expect, it } from 'vitest';
import {
  installedWaypointResources,
  waypointResourceDrift,
} from '../../../../src/platform/kube/install-drift.ts';
import { quantityValue, resolvedEnvelopeSchema } from '../../../../src/topology/schema.ts';

describe('installed waypoint resources against the suite (Istio < 1.26)', () => {
  it('compares quantities by value, not by spelling', () => {
    expect(quantityValue('2')).toBe(2);
    expect(quantityValue('2000m')).toBe(2);
    expect(quantityValue('1Gi')).toBe(quantityValue('1024Mi'));
    expect(quantityValue('lots')).toBeNaN();
  });

  it("reads the install's global values from istiod's injector ConfigMap", () => {
    const cm = {
      data: { values: JSON.stringify({ global: { waypoint: { resources: { limits: { cpu: '2' } } } } }) },
    };
    expect(installedWaypointResources(cm)).toEqual({ limits: { cpu: '2' } });
    expect(installedWaypointResources({ data: { values: 'not json' } })).toBeUndefined();
    expect(installedWaypointResources(undefined)).toBeUndefined();
  });

  it('names each field that differs, with both values', () => {
    const envelope = resolvedEnvelopeSchema.parse({
      cpuLimit: 1,
      memoryLimit: '2Gi',
      istioBehaviour: '1.24',
    });
    const installed = {
      requests: { cpu: '100m', memory: '128Mi' },
      limits: { cpu: '2000m', memory: '2048Mi' },
    };
    expect(waypointResourceDrift(installed, envelope)).toEqual([
      'waypoint.cpuLimit: installed 2000m, the suite asks 1',
    ]);
    expect(waypointResourceDrift({ ...installed, limits: { cpu: '1', memory: '2Gi' } }, envelope)).toEqual(
      [],
    );
  });
});
