import { growthFigures, GROWTH_TOLERANCE, type GrowthRun } from '../measure/soak/growth.ts';
import { grid } from './calibration.ts';
import { count, duration, mebibytes, sig3, times } from './format.ts';

/** What seeding one style cost: the time, and each service's database as it was left. */
export function renderSeeding(run: GrowthRun): string {
  const files = Object.entries(run.seeding.bytes)
    .map(([service, bytes]) => `${service} ${mebibytes(bytes)} MiB`)
    .join(', ');
  return `${run.style}: ${count(run.orders)} orders seeded in ${duration(Math.round(run.seeding.ms))}; databases: ${files}`;
}

/** Fresh against seeded, per style and figure, with the verdict against issue 10's bound. */
export function renderGrowthTable(runs: readonly GrowthRun[]): string {
  const rows = runs.flatMap((run) =>
    growthFigures(run).map((f) => [
      run.style,
      f.name,
      sig3(f.fresh),
      sig3(f.seeded),
      times(f.ratio),
      f.flat ? `within ${GROWTH_TOLERANCE * 100} %` : 'grows',
    ]),
  );
  return grid(['style', 'figure, ms', 'fresh', 'seeded', 'seeded ÷ fresh', 'verdict'], rows, [0, 1, 5]).join('\n');
}
