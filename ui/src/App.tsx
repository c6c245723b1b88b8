import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { JsonRpcProvider, type Signer } from "ethers";
import { erc20At, readHistory, readMeta, readPosition, readSnapshot } from "./chain.ts";
import type { History, Position, Snapshot, VaultMeta } from "./chain.ts";
import type { VaultCtx } from "./context.ts";
import { errorContext } from "./context.ts";
import { loadDeployment, loadKeeperPublication, type Deployment, type KeeperPublication } from "./deployment.ts";
import { describeError } from "./errors.ts";
import { formatAmount, shortAddress } from "./format.ts";
import {
  browserProvider,
  currentAccounts,
  injectedWallet,
  requestAccounts,
  switchChain,
  walletChainId,
  type Eip1193,
} from "./wallet.ts";
import { Banners, Dashboard } from "./components/Dashboard.tsx";
import { DepositForm } from "./components/DepositForm.tsx";
import { WithdrawForm } from "./components/WithdrawForm.tsx";

const POLL_MS = 2_000;
const LOCAL_CHAIN = 31337;

export function App() {
  const [d, setD] = useState<Deployment>();
  const [fatal, setFatal] = useState<string>();
  const [meta, setMeta] = useState<VaultMeta>();
  const [snapshot, setSnapshot] = useState<Snapshot>();
  const [history, setHistory] = useState<History>();
  const [publication, setPublication] = useState<KeeperPublication>();
  const [wallet] = useState<Eip1193 | undefined>(() => injectedWallet());
  const [account, setAccount] = useState<string>();
  const [chainId, setChainId] = useState<number>();
  const [position, setPosition] = useState<Position>();
  const [walletError, setWalletError] = useState<string>();
  const [tick, setTick] = useState(0);
  const lastBlock = useRef(-1);

  useEffect(() => {
    loadDeployment()
      .then(setD)
      .catch((e: Error) => setFatal(e.message));
    loadKeeperPublication().then(setPublication);
  }, []);

  const readProvider = useMemo(
    () => (d ? new JsonRpcProvider(d.rpcUrl, d.chainId, { staticNetwork: true, pollingInterval: 1000 }) : undefined),
    [d],
  );

  useEffect(() => {
    if (!d || !readProvider) return;
    readMeta(d, readProvider)
      .then(setMeta)
      .catch((e: Error) => setFatal(`Cannot read the vault at ${d.contracts.vault} on ${d.rpcUrl}: ${e.message}`));
  }, [d, readProvider]);

  // Poll for new blocks: the dashboard follows deposits, exits and keeper rebalances made by anyone.
  useEffect(() => {
    if (!d || !readProvider || !meta) return;
    let live = true;
    const load = async (force: boolean) => {
      try {
        const block = await readProvider.getBlockNumber();
        if (!force && block === lastBlock.current) return;
        const snap = await readSnapshot(d, readProvider);
        if (!live) return;
        lastBlock.current = snap.block;
        setSnapshot(snap);
        readHistory(d, readProvider, snap)
          .then((h) => live && setHistory(h))
          .catch(() => undefined);
      } catch (e) {
        if (live && lastBlock.current < 0) setFatal(`Cannot read the chain at ${d.rpcUrl}: ${(e as Error).message}`);
      }
    };
    void load(true);
    const t = setInterval(() => void load(false), POLL_MS);
    return () => {
      live = false;
      clearInterval(t);
    };
  }, [d, readProvider, meta, tick]);

  // Wallet: restore an existing connection, follow account and chain changes.
  useEffect(() => {
    if (!wallet) return;
    const onAccounts = (accs: unknown) => setAccount((accs as string[])[0]);
    const onChain = (id: unknown) => setChainId(Number(id));
    currentAccounts(wallet)
      .then((a) => setAccount(a[0]))
      .catch(() => undefined);
    walletChainId(wallet)
      .then(setChainId)
      .catch(() => undefined);
    wallet.on?.("accountsChanged", onAccounts);
    wallet.on?.("chainChanged", onChain);
    return () => {
      wallet.removeListener?.("accountsChanged", onAccounts);
      wallet.removeListener?.("chainChanged", onChain);
    };
  }, [wallet]);

  useEffect(() => {
    if (!d || !meta || !account || !readProvider) {
      setPosition(undefined);
      return;
    }
    readPosition(d, meta, account, readProvider)
      .then(setPosition)
      .catch(() => setPosition(undefined));
  }, [d, meta, account, readProvider, snapshot?.block]);

  const refresh = useCallback(() => setTick((t) => t + 1), []);
  const rightChain = d !== undefined && chainId === d.chainId;

  const getSigner = useMemo(() => {
    if (!wallet || !account || !rightChain) return undefined;
    return async (): Promise<Signer> => {
      const p = browserProvider(wallet);
      p.pollingInterval = 500;
      return p.getSigner(account);
    };
  }, [wallet, account, rightChain]);

  async function connect() {
    if (!wallet) return;
    setWalletError(undefined);
    try {
      const accs = await requestAccounts(wallet);
      setAccount(accs[0]);
      setChainId(await walletChainId(wallet));
    } catch (e) {
      setWalletError(describeError(e, { base: { symbol: "", decimals: 0 } }).message);
    }
  }

  async function doSwitch() {
    if (!wallet || !d) return;
    setWalletError(undefined);
    try {
      await switchChain(wallet, d.chainId, d.rpcUrl);
      setChainId(await walletChainId(wallet));
    } catch (e) {
      setWalletError(describeError(e, { base: { symbol: "", decimals: 0 } }).message);
    }
  }

  const [faucetMsg, setFaucetMsg] = useState<string>();
  async function faucet() {
    if (!getSigner || !meta || !account) return;
    const amount = 10n ** BigInt(meta.base.decimals) * 10_000n;
    try {
      setFaucetMsg("Minting…");
      const tx = await erc20At(meta.base.address, await getSigner()).mint(account, amount);
      await tx.wait();
      setFaucetMsg(`Received ${formatAmount(amount, meta.base)} (test token).`);
      refresh();
    } catch (e) {
      setFaucetMsg(describeError(e, errorContext(meta)).message);
    }
  }

  const ctx: VaultCtx | undefined =
    d && meta && snapshot && readProvider
      ? { d, meta, snapshot, readProvider, account, position, getSigner, refresh }
      : undefined;

  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header>
        <h1>Ballast</h1>
        <p className="tagline">A vault that checks its own risk budget on-chain.</p>
        <div className="wallet" aria-live="polite">
          {!wallet && <p role="alert">No wallet found. Install a browser wallet (EIP-1193) to deposit.</p>}
          {wallet && !account && (
            <button type="button" onClick={connect}>
              Connect wallet
            </button>
          )}
          {account && (
            <span data-testid="account">
              Connected: <code title={account}>{shortAddress(account)}</code>
            </span>
          )}
          {walletError && (
            <p role="alert" className="field-error">
              {walletError}
            </p>
          )}
        </div>
      </header>
      {account && d && chainId !== undefined && !rightChain && (
        <div className="banner warn" role="alert" data-testid="wrong-network">
          <strong>Wrong network.</strong> Your wallet is on chain {chainId}; this vault lives on chain {d.chainId}.{" "}
          <button type="button" onClick={doSwitch}>
            Switch to chain {d.chainId}
          </button>
        </div>
      )}
      <main id="main">
        {fatal && (
          <div className="banner danger" role="alert">
            {fatal}
          </div>
        )}
        {!fatal && !ctx && <p role="status">Loading the vault…</p>}
        {ctx && (
          <>
            <Banners snapshot={ctx.snapshot} />
            <div className="layout">
              <div className="actions">
                {ctx.position && (
                  <p className="position" data-testid="position">
                    You hold {formatAmount(ctx.position.shares, ctx.meta.share, 4)}, worth{" "}
                    {formatAmount(ctx.position.value, ctx.meta.base)}.
                  </p>
                )}
                {!account && <p>Connect a wallet to deposit or withdraw.</p>}
                <DepositForm ctx={ctx} />
                <WithdrawForm ctx={ctx} />
                {rightChain && d?.chainId === LOCAL_CHAIN && (
                  <div className="panel">
                    <h2>Test tokens</h2>
                    <p className="field-hint">Local chain only: the {ctx.meta.base.symbol} here is a stand-in.</p>
                    <button type="button" className="secondary" onClick={faucet}>
                      Get 10,000 test {ctx.meta.base.symbol}
                    </button>
                    {faucetMsg && <p role="status">{faucetMsg}</p>}
                  </div>
                )}
              </div>
              <Dashboard meta={ctx.meta} snapshot={ctx.snapshot} history={history} publication={publication} />
            </div>
          </>
        )}
      </main>
    </>
  );
}
