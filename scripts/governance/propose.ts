/**
 * Propose parameter changes through the timelock: `tsx scripts/governance/propose.ts --network localhost
 * maxTurnoverBps=6000 [cap:WETH=7000 protocolCap:WETH=7000 unpause]`. Prints old → new, then schedules each.
 * Key: GOVERNANCE_PRIVATE_KEY (local chain: dev account 3, the proposer).
 */
import { log, run, setup } from "./cli.ts";
import { parseChange, propose } from "./ops.ts";

run(async () => {
  const { b, positionals, close } = await setup("GOVERNANCE_PRIVATE_KEY", 3);
  if (positionals.length === 0) throw new Error("name at least one change, e.g. maxTurnoverBps=6000");
  for (const text of positionals) await propose(b, parseChange(text), log);
  close();
});
