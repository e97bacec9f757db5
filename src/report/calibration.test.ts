import { describe, expect, it } from 'vitest';
import { knownCeilings } from '../analyse/ceiling.ts';
import type { Calibration, PrimitiveMeasure } from '../model/calibration.ts';
import { parseCalibration, renderCalibration } from './calibration.ts';

const primitive = (perSecond: number, cpuUsPerOp: number): PrimitiveMeasure => ({ perSecond, cpuUsPerOp, ops: perSecond * 3, samples: 3, concurrency: 4, cpuOf: 'this process' });

const aCalibration = (loadAverage = 0.5): Calibration => ({
  schema: 'interplay/calibration@1',
  createdAt: '2026-01-01T00:00:00.000Z',
  durationMs: 3000,
  cores: 2,
  environment: { node: 'v20.20.2', cpuModel: 'AMD EPYC', cpuCount: 2, natsServer: '2.9.10', loadAverage },
  primitives: { hello: primitive(50_000, 20), http: primitive(10_000, 100), jetstream: primitive(8_000, 150), sqlite: primitive(20_000, 50) },
});

describe('renderCalibration', () => {
  const text = renderCalibration(aCalibration(), knownCeilings(aCalibration()));

  it('shows each primitive’s rate, CPU and CPU in hello requests', () => {
    expect(text).toMatch(/^ HTTP call \(service app \+ client\)\s+10,000\s+100\s+5\.00\s+4\s+this process$/m);
    expect(text).toMatch(/^ hello \(Fastify, autocannon\)\s+50,000\s+20\.0\s+1\.00\s+4\s+this process$/m);
  });

  it('shows each style’s hops, CPU per order and ceiling, and states the model', () => {
    // rest: 5 × 100 + 4 × 50 = 700 µs → 2 cores / 0.7 ms = 2,857 orders/s
    expect(text).toMatch(/^ rest\s+5\.00\s+0\s+4\.00\s+0\.700\s+35\.0\s+2,857$/m);
    // collaboration: 2 × 100 + 3 × 150 + 4 × 50 = 850 µs → 2 cores / 0.85 ms = 2,353 orders/s
    expect(text).toMatch(/^ collaboration\s+2\.00\s+3\.00\s+4\.00\s+0\.850\s+42\.5\s+2,353$/m);
    expect(text).toContain('ceiling = cores × 1000 / CPU ms per order');
  });

  it('says the numbers are noisy when the machine was busy', () => {
    expect(text).not.toContain('busy');
    expect(renderCalibration(aCalibration(4), knownCeilings(aCalibration(4)))).toContain('a busy machine: the numbers are noisy');
  });
});

describe('parseCalibration', () => {
  it('reads what calibrate --json wrote', () => {
    const saved = JSON.stringify({ ...aCalibration(), ceilings: knownCeilings(aCalibration()) });
    expect(parseCalibration(saved, 'c.json').primitives).toEqual(aCalibration().primitives);
  });

  it('refuses a calibration with a primitive missing, naming the file and the field', () => {
    const { jetstream: _, ...rest } = aCalibration().primitives;
    const damaged = JSON.stringify({ ...aCalibration(), primitives: rest });
    expect(() => parseCalibration(damaged, 'c.json')).toThrow(/c\.json is not a valid calibration: primitives\.jetstream is missing\.$/);
  });

  it('refuses a primitive measured at zero per second, as the model divides by it', () => {
    const zero = { ...aCalibration(), primitives: { ...aCalibration().primitives, sqlite: primitive(0, 50) } };
    expect(() => parseCalibration(JSON.stringify(zero), 'c.json')).toThrow(/c\.json is not a valid calibration: primitives\.sqlite\.perSecond is not a positive number\.$/);
  });

  it('refuses a run report and text that is not JSON', () => {
    expect(() => parseCalibration('{"schema":"interplay/run@1"}', 'run.json')).toThrow(/run\.json is not an interplay\/calibration@1 file/);
    expect(() => parseCalibration('nope', 'x.json')).toThrow(/x\.json is not valid JSON/);
  });
});
