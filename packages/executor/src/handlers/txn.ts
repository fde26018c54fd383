import { StratumError, err } from '@stratum/core';
import type { HandlerContext, HandlerMap, TxnSlot } from '../handler.js';

type TxnCommandType = 'TxnBegin' | 'TxnCommit' | 'TxnRollback' | 'TxnInfo' | 'TxnIsActive';

/** Transactions belong to a session; an executor called without one has nowhere to keep them. */
function slotOf(ctx: HandlerContext): TxnSlot {
  if (ctx.txn === undefined) throw err.invalidInput('transactions need a session');
  return ctx.txn;
}

const notActive = () => new StratumError('TransactionNotActive', 'no transaction is active in this session', {});

/** Transaction control (protocol §6.10): the session holds at most one open transaction. */
export const txnHandlers = {
  TxnBegin: async (ctx, c) => {
    const slot = slotOf(ctx);
    if (slot.current !== undefined) {
      throw new StratumError('TransactionAlreadyActive', 'a transaction is already active in this session', { id: slot.current.id });
    }
    ctx.engine.branches.require(c.branch);
    slot.current = ctx.engine.begin(c.branch, ctx.at);
    return { type: 'TxnBegun' };
  },
  TxnCommit: async (ctx) => {
    const slot = slotOf(ctx);
    const tx = slot.current;
    if (tx === undefined) throw notActive();
    // Whatever the outcome, the session has no transaction afterwards.
    slot.current = undefined;
    return { type: 'TxnCommitted', version: await tx.commit(ctx.at) };
  },
  TxnRollback: async (ctx) => {
    const slot = slotOf(ctx);
    const tx = slot.current;
    if (tx === undefined) throw notActive();
    slot.current = undefined;
    tx.rollback();
    return { type: 'TxnAborted' };
  },
  TxnInfo: async (ctx) => {
    const tx = ctx.txn?.current;
    return { type: 'TxnInfo', value: tx === undefined ? null : { id: tx.id, status: 'active', startedAt: tx.startedAt } };
  },
  TxnIsActive: async (ctx) => ({ type: 'Bool', value: ctx.txn?.current !== undefined }),
} satisfies HandlerMap<TxnCommandType>;
