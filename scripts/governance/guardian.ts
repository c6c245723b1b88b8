/**
 * Guardian actions, instant: `tsx scripts/governance/guardian.ts --network localhost pause | shutdown | resetBreaker
 * | tighten maxTurnoverBps=3000 | tighten cap:WETH=5000 | tighten protocolCap:WETH=5000`. Prints old → new first.
 * Key: GUARDIAN_PRIVATE_KEY (local chain: dev account 1, the guardian).
 */
import { log, run, setup } from "./cli.ts";
import { guardian, parseChange } from "./ops.ts";

run(async () => {
  const { b, positionals, close } = await setup("GUARDIAN_PRIVATE_KEY", 1);
  const [action, arg] = positionals;
  if (action === "pause" || action === "shutdown" || action === "resetBreaker") await guardian(b, action, log);
  else if (action === "tighten" && arg) await guardian(b, { tighten: parseChange(arg) }, log);
  else
    throw new Error(
      "usage: guardian.ts pause | shutdown | resetBreaker | tighten <field=value|cap:SYM=bps|protocolCap:SYM=bps>",
    );
  close();
});
