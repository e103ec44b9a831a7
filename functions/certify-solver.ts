/**
 * The integer-programming solver behind the confidentiality certificate: HiGHS compiled to
 * WebAssembly (the `highs` package). Kept in functions/ so the dashboard bundle, which imports
 * shared/, never carries the 2.6 MB wasm; the close loads it once and passes it in.
 *
 * Why HiGHS over glpk.js: HiGHS's branch and bound with presolve solves the audit's integer
 * programs (thousands of general integers, equality rows) where GLPK's MILP stalls, it is already
 * a dependency, it reads the same CPLEX LP text, and a solve is synchronous once loaded. Each solve
 * runs in a fresh native instance, so no state leaks from one question to the next.
 */
import type { MilpSolver } from '../shared/certify-lp.ts';

let loading: Promise<MilpSolver> | undefined;

/** The HiGHS solver, loaded once per process. */
export function loadMilpSolver(): Promise<MilpSolver> {
  loading ??= (async () => {
    const highs = (await import('highs')).default;
    const instance = await highs();
    const solver: MilpSolver = {
      name: 'HiGHS 1.15 (WebAssembly), mixed-integer',
      solve(lp, { timeLimitSeconds }) {
        const result = instance.solve(lp, { output_flag: false, time_limit: Math.max(0.1, timeLimitSeconds), mip_rel_gap: 1 });
        if (result.Status === 'Infeasible') return { status: 'infeasible' };
        const values = new Map<string, number>();
        for (const [name, column] of Object.entries(result.Columns)) {
          if (column && typeof (column as { Primal?: number }).Primal === 'number') values.set(name, (column as { Primal: number }).Primal);
        }
        // Any status that carries values may hold a feasible point; the caller checks it exactly.
        return values.size > 0 ? { status: 'feasible', values } : { status: 'unknown' };
      },
    };
    return solver;
  })();
  return loading;
}
