/** Cancel a scheduled timelock operation: `tsx scripts/governance/cancel.ts --network localhost <operationId>`. */
import { log, run, setup } from "./cli.ts";
import { cancel } from "./ops.ts";

run(async () => {
  const { b, positionals, close } = await setup("GOVERNANCE_PRIVATE_KEY", 3);
  if (positionals.length !== 1) throw new Error("pass the operation id (see list.ts)");
  await cancel(b, positionals[0], log);
  close();
});
