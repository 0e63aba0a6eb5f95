// simulate.mjs reads JSON Lines of {"id": ..., "simulation": {...}} on stdin, where simulation
// is iam-simulate's Simulation object, runs each through iam-simulate in Strict mode, and
// writes one JSON line per input: {"id", "result"} with result "Allowed", "ImplicitlyDenied",
// "ExplicitlyDenied" or "Error", plus "errors" and "ignoredContextKeys" when there are any.
// It is our own glue: iam-simulate is called as a separate program, never linked or copied.
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { createInterface } from 'node:readline';

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (line.trim() === '') continue;
  let id = null;
  try {
    const input = JSON.parse(line);
    id = input.id;
    const out = await runSimulation(input.simulation, { simulationMode: 'Strict' });
    if (out.resultType === 'error') {
      console.log(JSON.stringify({ id, result: 'Error', errors: out.errors }));
      continue;
    }
    const ignored = out.resultType === 'single'
      ? out.result.ignoredContextKeys
      : out.results.flatMap((r) => r.ignoredContextKeys ?? []);
    console.log(JSON.stringify({ id, result: out.overallResult, ignoredContextKeys: ignored ?? [] }));
  } catch (e) {
    console.log(JSON.stringify({ id, result: 'Error', errors: { message: String(e && e.stack || e) } }));
  }
}
