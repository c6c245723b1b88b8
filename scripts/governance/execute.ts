/** Execute a ready timelock operation: `tsx scripts/governance/execute.ts --network localhost <operationId>`. */
import { log, run, setup } from "./cli.ts";
import { execute } from "./ops.ts";

run(async () => {
  const { b, positionals, close } = await setup("GOVERNANCE_PRIVATE_KEY", 3);
  if (positionals.length !== 1) throw new Error("pass the operation id (see list.ts)");
  await execute(b, positionals[0], log);
  close();
});
