import type { ExitReason } from '../../backtest/engine';
import { BaseModel } from './base.model';

/** A simulated trade; owned through its backtest_results row. */
export class BacktestTrade extends BaseModel {
  static tableName = 'backtest_trades';
  static hasUpdatedAt = false;

  id!: number;
  backtest_id!: number;
  side!: 'long' | 'short';
  entry_time!: Date;
  exit_time!: Date | null;
  entry_price!: string;
  exit_price!: string | null;
  quantity!: string;
  fees!: string;
  pnl!: string | null;
  balance_after!: string | null;
  exit_reason!: ExitReason | null;
}
