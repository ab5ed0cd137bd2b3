/**
 * 2. Intake: rectification cases opened per second through `engine.createCase` (validation,
 * initial snapshot, case row, `created` event, deadline rows of the first state, one transaction
 * per case) against the same rows inserted by hand with prepared statements.
 */
import fs from 'node:fs';
import { BareWriter, bareDatabase, benchEngine, digest, rectificationParsed, rectificationRequest, sequentialIds, supervisor } from './workload';
import { median, pairedRatio, progress, ticker, timeAsync, timeSync, type BenchContext, type Figure } from './lib';

/** One run on fresh files, the two sides alternating in chunks; returns cases/s of each. */
async function runOnce(dir: string, cases: number, chunk: number, report?: (done: number) => void): Promise<{ caseflow: number; bare: number; same: boolean }> {
  const cf = benchEngine(dir, `caseflow-${Date.now()}`);
  const bf = bareDatabase(dir, `bare-${Date.now()}`);
  try {
    const bare = new BareWriter(bf.client);
    const nextId = sequentialIds();
    let now = bf.start;
    let cfMs = 0;
    let bareMs = 0;
    for (let from = 0, turn = 0; from < cases; from += chunk, turn++) {
      const to = Math.min(cases, from + chunk);
      const runCaseflow = async () => {
        cfMs += await timeAsync(async () => {
          for (let i = from; i < to; i++) {
            cf.clock.advance(1000);
            await cf.engine.createCase({ type: 'rectification', input: rectificationRequest(i), actor: supervisor });
          }
        });
      };
      const runBare = () => {
        bareMs += timeSync(() => {
          for (let i = from; i < to; i++) {
            now += 1000;
            bare.createTx(nextId(), rectificationParsed(i), supervisor, now);
          }
        });
      };
      if (turn % 2) {
        runBare();
        await runCaseflow();
      } else {
        await runCaseflow();
        runBare();
      }
      report?.(to);
    }
    return { caseflow: (cases * 1000) / cfMs, bare: (cases * 1000) / bareMs, same: digest(cf.client) === digest(bf.client) };
  } finally {
    await cf.close();
    bf.close();
  }
}

export async function benchIntake(ctx: BenchContext): Promise<Figure[]> {
  const cases = ctx.quick ? 5_000 : 100_000;
  const runs = 3;
  progress(`2 intake: ${runs} runs × ${cases.toLocaleString('en-US')} cases per side`);
  await runOnce(ctx.tempDir('intake-warmup'), 300, 100);
  const cf: number[] = [];
  const bare: number[] = [];
  let allSame = true;
  for (let r = 0; r < runs; r++) {
    const dir = ctx.tempDir('intake');
    const res = await runOnce(dir, cases, 500, ticker(`2 intake run ${r + 1}/${runs}`, cases));
    fs.rmSync(dir, { recursive: true, force: true });
    cf.push(res.caseflow);
    bare.push(res.bare);
    allSame &&= res.same;
    progress(`2 intake: run ${r + 1}/${runs}: caseflow ${Math.round(res.caseflow)}/s, bare ${Math.round(res.bare)}/s, same rows: ${res.same}`);
  }
  return [
    {
      group: '2',
      name: `intake: cases opened (${cases.toLocaleString('en-US')}, one transaction each)`,
      unit: '/s',
      caseflow: median(cf),
      bare: median(bare),
      pairedRatio: pairedRatio(cf, bare),
      bareLabel: 'XState + prepared inserts',
      target: { kind: 'ratioAtLeast', min: 0.7 },
      runs: cf,
      bareRuns: bare,
      detail: { cases, caseType: 'rectification', bareWroteIdenticalRows: allSame },
      ...(allSame ? {} : { note: 'the bare inserts did NOT write the same rows as the engine: the comparison is off' }),
    },
  ];
}
