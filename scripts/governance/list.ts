/** Operations scheduled on the timelock, their state (pending / ready / done / cancelled) and old → new. */
import { log, run, setup } from "./cli.ts";
import { listOperations } from "./ops.ts";

run(async () => {
  const { b, values, close } = await setup("GOVERNANCE_PRIVATE_KEY", 3, { all: { type: "boolean" } });
  const ops = (await listOperations(b)).filter(
    (o) => (values as Record<string, unknown>).all || o.state === "pending" || o.state === "ready",
  );
  if (ops.length === 0) log("no pending operations");
  for (const o of ops) log(`${o.opId}  ${o.state.padEnd(9)} ready at ${o.readyAt}  ${o.description}`);
  close();
});
