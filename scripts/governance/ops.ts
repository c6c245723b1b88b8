/**
 * Governance operations through the TimelockController and guardian actions, as functions (the CLIs in this folder
 * are thin wrappers; the tests call these directly). Every operation first describes what changes, old → new.
 */
import { ZeroHash, id as keccakId, type Interface, type Signer } from "ethers";
import {
  BallastTimelock__factory,
  BallastVault__factory,
  type BallastTimelock,
  type BallastVault,
} from "../../types/ethers-contracts/index.js";
import type { Deployment } from "../lib/deployments.ts";

export const RISK_PARAM_FIELDS = [
  "maxTurnoverBps",
  "maxWindowTurnoverBps",
  "maxSlippageBps",
  "maxWindowSlippageBps",
  "minIdleBps",
  "maxDrawdownBps",
  "minHealthFactorBps",
  "maxGrossLeverageBps",
  "maxNetDeltaBps",
  "maxShortGammaBps",
  "cooldownSeconds",
  "windowSeconds",
  "drawdownWindowSeconds",
  "depositCap",
] as const;
export type RiskParamField = (typeof RISK_PARAM_FIELDS)[number];

/**
 * A change, as typed on the command line: `maxTurnoverBps=6000` (a RiskParams field), `cap:WETH=7000` (an asset's
 * maxWeightBps), `protocolCap:WETH=7000` (the cap of WETH's protocol), `unpause`.
 */
export type Change =
  | { kind: "riskParam"; field: RiskParamField; value: bigint }
  | { kind: "assetCap"; symbol: string; value: number }
  | { kind: "protocolCap"; symbol: string; value: number }
  | { kind: "unpause" }
  | { kind: "addModule" | "removeModule"; address: string };

export function parseChange(text: string): Change {
  if (text === "unpause") return { kind: "unpause" };
  const mod = /^(addModule|removeModule):(0x[0-9a-fA-F]{40})$/.exec(text);
  if (mod) return { kind: mod[1] as "addModule" | "removeModule", address: mod[2] };
  const m = /^(?:(cap|protocolCap):)?([A-Za-z0-9]+)=(\d+)$/.exec(text);
  if (!m)
    throw new Error(
      `cannot read change "${text}": use field=value, cap:SYMBOL=bps, protocolCap:SYMBOL=bps, addModule:0x…, removeModule:0x… or unpause`,
    );
  const [, scope, name, value] = m;
  if (scope === "cap") return { kind: "assetCap", symbol: name, value: Number(value) };
  if (scope === "protocolCap") return { kind: "protocolCap", symbol: name, value: Number(value) };
  if (!(RISK_PARAM_FIELDS as readonly string[]).includes(name)) {
    throw new Error(`unknown RiskParams field "${name}" (one of ${RISK_PARAM_FIELDS.join(", ")})`);
  }
  return { kind: "riskParam", field: name as RiskParamField, value: BigInt(value) };
}

export interface Bound {
  vault: BallastVault;
  timelock: BallastTimelock;
  deployment: Deployment;
}

export function bind(deployment: Deployment, runner: Signer): Bound {
  return {
    deployment,
    vault: BallastVault__factory.connect(deployment.contracts.vault, runner),
    timelock: BallastTimelock__factory.connect(deployment.contracts.timelock, runner),
  };
}

function assetOf(b: Bound, symbol: string) {
  const a = b.deployment.assets.find((x) => x.symbol === symbol);
  if (!a)
    throw new Error(`no asset ${symbol} in the deployment (${b.deployment.assets.map((x) => x.symbol).join(", ")})`);
  return a;
}

async function paramsObject(v: BallastVault) {
  const p = await v.riskParams();
  return Object.fromEntries(RISK_PARAM_FIELDS.map((f) => [f, BigInt(p[f])])) as Record<RiskParamField, bigint>;
}

/** The vault call a change makes (for `guardian` = true, the tighten-only variant), and its old → new line. */
export async function encodeChange(b: Bound, c: Change, guardian = false): Promise<{ data: string; line: string }> {
  const i = b.vault.interface as unknown as Interface; // the function name is chosen at run time
  switch (c.kind) {
    case "riskParam": {
      const old = await paramsObject(b.vault);
      const next = { ...old, [c.field]: c.value };
      return {
        data: i.encodeFunctionData(guardian ? "tightenRiskParams" : "setRiskParams", [next]),
        line: `RiskParams.${c.field}: ${old[c.field]} → ${c.value}`,
      };
    }
    case "assetCap": {
      const a = assetOf(b, c.symbol);
      const old = (await b.vault.assetRisk(a.address)).maxWeightBps;
      return {
        data: i.encodeFunctionData(guardian ? "tightenAssetCap" : "setAssetCap", [a.address, c.value]),
        line: `maxWeightBps[${c.symbol}]: ${old} → ${c.value}`,
      };
    }
    case "protocolCap": {
      const a = assetOf(b, c.symbol);
      const old = await b.vault.protocolCapBps(a.protocolId);
      return {
        data: i.encodeFunctionData(guardian ? "tightenProtocolCap" : "setProtocolCap", [a.protocolId, c.value]),
        line: `protocolCapBps[${c.symbol}'s protocol ${a.protocolId.slice(0, 10)}]: ${old} → ${c.value}`,
      };
    }
    case "unpause":
      return { data: i.encodeFunctionData("unpause"), line: `paused: ${await b.vault.paused()} → false` };
    case "addModule":
    case "removeModule": {
      if (guardian) throw new Error(`${c.kind} is governance only (the guardian can pause instead)`);
      const before = await b.vault.modules();
      const after =
        c.kind === "addModule"
          ? [...before, c.address]
          : before.filter((m) => m.toLowerCase() !== c.address.toLowerCase());
      return {
        data: i.encodeFunctionData(c.kind, [c.address]),
        line: `modules: [${before.join(", ")}] → [${after.join(", ")}]`,
      };
    }
  }
}

/** Schedules `change` on the timelock; returns the operation id and when it becomes executable. */
export async function propose(b: Bound, change: Change, log: (l: string) => void, saltText = `${Date.now()}`) {
  const { data, line } = await encodeChange(b, change);
  const delay = await b.timelock.getMinDelay();
  const salt = keccakId(saltText);
  const target = b.deployment.contracts.vault;
  const opId = await b.timelock.hashOperation(target, 0n, data, ZeroHash, salt);
  log(`propose: ${line} (executable after ${delay} s)`);
  const tx = await b.timelock.schedule(target, 0n, data, ZeroHash, salt, delay);
  const receipt = await tx.wait();
  const readyAt = await b.timelock.getTimestamp(opId);
  log(`scheduled operation ${opId} in tx ${tx.hash} (block ${receipt!.blockNumber}); ready at ${readyAt}`);
  return { opId, readyAt, txHash: tx.hash };
}

export interface PendingOperation {
  opId: string;
  target: string;
  data: string;
  predecessor: string;
  salt: string;
  readyAt: bigint;
  state: "pending" | "ready" | "done" | "cancelled";
  description: string;
}

/** Every operation the timelock has scheduled, with its state and what it would change, old → new. */
export async function listOperations(b: Bound): Promise<PendingOperation[]> {
  const scheduled = await b.timelock.queryFilter(b.timelock.filters.CallScheduled(), b.deployment.blockNumber);
  const salts = new Map<string, string>();
  for (const e of await b.timelock.queryFilter(b.timelock.filters.CallSalt(), b.deployment.blockNumber)) {
    salts.set(e.args.id, e.args.salt);
  }
  const out: PendingOperation[] = [];
  for (const e of scheduled) {
    const opId = e.args.id;
    const readyAt = await b.timelock.getTimestamp(opId);
    const state = (await b.timelock.isOperationDone(opId))
      ? "done"
      : readyAt === 0n
        ? "cancelled"
        : (await b.timelock.isOperationReady(opId))
          ? "ready"
          : "pending";
    out.push({
      opId,
      target: e.args.target,
      data: e.args.data,
      predecessor: e.args.predecessor,
      salt: salts.get(opId) ?? ZeroHash,
      readyAt,
      state,
      description: await describeCall(b, e.args.data),
    });
  }
  return out;
}

/** A vault call as old → new against the current state. */
export async function describeCall(b: Bound, data: string): Promise<string> {
  const call = b.vault.interface.parseTransaction({ data });
  if (!call) return `unknown call ${data.slice(0, 10)}`;
  if (call.name === "setRiskParams" || call.name === "tightenRiskParams") {
    const old = await paramsObject(b.vault);
    const next = call.args[0] as Record<string, bigint>;
    const diffs = RISK_PARAM_FIELDS.filter((f) => BigInt(next[f]) !== old[f]).map(
      (f) => `${f}: ${old[f]} → ${next[f]}`,
    );
    return `${call.name}(${diffs.join(", ") || "no change"})`;
  }
  if (call.name === "setAssetCap") {
    const sym = b.deployment.assets.find((a) => a.address === call.args[0])?.symbol ?? call.args[0];
    return `setAssetCap(${sym}: ${(await b.vault.assetRisk(call.args[0])).maxWeightBps} → ${call.args[1]})`;
  }
  if (call.name === "setProtocolCap") {
    return `setProtocolCap(${String(call.args[0]).slice(0, 10)}: ${await b.vault.protocolCapBps(call.args[0])} → ${call.args[1]})`;
  }
  return `${call.name}(${call.args.map(String).join(", ")})`;
}

async function findOperation(b: Bound, opId: string): Promise<PendingOperation> {
  const op = (await listOperations(b)).find((o) => o.opId === opId);
  if (!op) throw new Error(`no operation ${opId} was scheduled on timelock ${b.deployment.contracts.timelock}`);
  return op;
}

export async function execute(b: Bound, opId: string, log: (l: string) => void) {
  const op = await findOperation(b, opId);
  log(`execute ${opId} (${op.state}, ready at ${op.readyAt}): ${op.description}`);
  const tx = await b.timelock.execute(op.target, 0n, op.data, op.predecessor, op.salt);
  await tx.wait();
  log(`executed in tx ${tx.hash}`);
  return tx.hash;
}

export async function cancel(b: Bound, opId: string, log: (l: string) => void) {
  const op = await findOperation(b, opId);
  log(`cancel ${opId} (${op.state}): ${op.description} will NOT happen`);
  const tx = await b.timelock.cancel(opId);
  await tx.wait();
  log(`cancelled in tx ${tx.hash}`);
  return tx.hash;
}

export type GuardianAction = "pause" | "shutdown" | "resetBreaker" | { tighten: Change };

/** Guardian actions: instant, and only ever safer (the vault refuses a loosening with NotATightening). */
export async function guardian(b: Bound, action: GuardianAction, log: (l: string) => void) {
  let data: string;
  if (action === "pause") {
    data = b.vault.interface.encodeFunctionData("pause");
    log(`guardian: paused: ${await b.vault.paused()} → true (deposits and rebalances stop; exits stay open)`);
  } else if (action === "shutdown") {
    data = b.vault.interface.encodeFunctionData("shutdown");
    log(
      `guardian: shutdown: ${await b.vault.isShutdown()} → true (no deposits; keepers may only sell into the base asset)`,
    );
  } else if (action === "resetBreaker") {
    data = b.vault.interface.encodeFunctionData("resetBreaker");
    const st = await b.vault.breakerState();
    log(`guardian: breaker tripped: ${st.tripped} → false (high-water mark reset)`);
  } else {
    const enc = await encodeChange(b, action.tighten, true);
    data = enc.data;
    log(`guardian: tighten ${enc.line}`);
  }
  const runner = b.vault.runner as Signer;
  const tx = await runner.sendTransaction({ to: b.deployment.contracts.vault, data });
  await tx.wait();
  log(`guardian: done in tx ${tx.hash}`);
  return tx.hash;
}
